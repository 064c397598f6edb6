"""Sign-in safeguards shared by the middleware, the two-factor views and the admin.

- who must use a second factor (``STAFF_2FA_REQUIRED_ROLES``),
- the client address django-axes locks on (behind ``TRUSTED_PROXY_COUNT`` proxies),
- the idle clock every staff session carries.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The session key of the last request's time (seconds since the epoch).
LAST_ACTIVITY = "last_activity"


def two_factor_required(user) -> bool:
    """Whether this user must pass a second factor before any staff page."""
    roles = settings.STAFF_2FA_REQUIRED_ROLES
    if not roles or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=roles).exists()


def client_ip(request: HttpRequest) -> str:
    """The address a sign-in came from. Behind N trusted proxies, each appends the address it
    saw to X-Forwarded-For, so the Nth entry from the right is the one no client can forge."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def idle_remaining(session, now: float | None = None) -> float:
    """Seconds left before this session counts as idle (negative once it has)."""
    now = time.time() if now is None else now
    last = session.get(LAST_ACTIVITY, now)
    return settings.SESSION_IDLE_TIMEOUT - (now - float(last))


@receiver(user_logged_in, dispatch_uid="contour_start_idle_clock")
def start_idle_clock(sender, request, user, **kwargs) -> None:
    # Saved with the login's own session write, so the first page needs no extra one.
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY] = int(time.time())


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: our page, 429 Too Many Requests."""
    from axes.helpers import get_client_username

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"username": get_client_username(request, credentials) or "", "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
