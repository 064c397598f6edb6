from auditlog.middleware import AuditlogMiddleware
from django.conf import settings


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware (the signed-in user becomes every entry's actor), but the client
    address comes from X-Forwarded-For only when the deployment says its proxy sets it:
    otherwise anyone could write any address into the log with a header."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDIT_TRUST_X_FORWARDED_FOR:
            return AuditlogMiddleware._get_remote_addr(request)
        return request.META.get("REMOTE_ADDR")
