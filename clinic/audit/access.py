"""Reads that matter: who opened a patient's chart, intake answers, a photo, a quote PDF.

Written by the view that shows them, as an auditlog entry with action ACCESS; the address
comes from the audit middleware, like every other entry's.
"""

from __future__ import annotations

from auditlog.models import LogEntry

CHART = "chart"
INTAKE_ANSWERS = "intake answers"
PHOTO = "photo"
QUOTE_PDF = "quote PDF"
RECORD_EXPORT = "record export"
READS = (CHART, INTAKE_ANSWERS, PHOTO, QUOTE_PDF, RECORD_EXPORT)


def log_read(*, user, obj, what: str, **details) -> LogEntry:
    """Record that `user` opened `obj` (`what` names the read, one of READS)."""
    if what not in READS:
        raise ValueError(f"Unknown read {what!r}")
    data = dict(getattr(obj, "get_additional_data", lambda: None)() or {})
    data.update(read=what, **details)
    return LogEntry.objects.log_create(
        obj,
        action=LogEntry.Action.ACCESS,
        force_log=True,
        changes=None,
        actor=user if user.is_authenticated else None,
        actor_email=getattr(user, "email", None) or None,
        additional_data=data,
    )
