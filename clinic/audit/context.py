from contextlib import suppress

from auditlog.context import auditlog_value


def act_as(user) -> None:
    """Make `user` the actor of this request's audit entries: an API call authenticates by
    token inside the view, after the audit middleware saw an anonymous request."""
    with suppress(LookupError):  # outside a request (a command): nothing to attach to
        auditlog_value.get()["actor"] = user
