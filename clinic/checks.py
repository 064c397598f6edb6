"""Deployment checks of Contour's own (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def email_backend_does_not_print(app_configs, **kwargs) -> list[Error]:
    """Emails carry password-reset and patient links: a backend that writes them into the
    log or onto disk leaks them to whoever reads the server's output."""
    if settings.DEBUG or settings.EMAIL_BACKEND not in settings.PRINTING_EMAIL_BACKENDS:
        return []
    return [
        Error(
            "EMAIL_BACKEND writes emails, and the private links in them, into the log.",
            hint="Set EMAIL_BACKEND to an SMTP (or provider) backend for production.",
            id="clinic.E001",
        )
    ]
