"""Project-wide request guards."""

import math
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from clinic.security import LAST_ACTIVITY, idle_remaining, two_factor_required

# The session key of a tablet in a patient's hands: the path of the hand-back screen.
TABLET_HANDBACK = "tablet_handback"


class TabletHandbackMiddleware:
    """After a patient signs on the clinic's tablet, the tablet stays on the hand-back screen:
    every other page of this session (the back button included) leads there until a staff
    member enters their password on it (or logs out, which needs a staff login again)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        handback = request.session.get(TABLET_HANDBACK)
        if handback and request.path != handback and not self._always_open(request.path):
            return redirect(handback)
        return self.get_response(request)

    @staticmethod
    def _always_open(path: str) -> bool:
        return path.startswith((settings.STATIC_URL, "/accounts/logout/", "/favicon.ico"))


def _is_static(path: str) -> bool:
    return path.startswith((settings.STATIC_URL, "/favicon.ico"))


class SecurityHeadersMiddleware:
    """Headers every response gets besides the CSP: no browser feature the app does not use
    (Permissions-Policy), and nothing of ours kept by a shared computer's browser or a proxy:
    every page, photo, PDF, calendar file and API answer is ``no-store, private``; only the
    static files (WhiteNoise answers them further in, with its own caching headers) keep theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not _is_static(request.path):
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
            response.headers.pop("Last-Modified", None)
            response.headers.pop("ETag", None)
        return response


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def _with_next(url: str, request: HttpRequest) -> str:
    if request.method != "GET":
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


class IdleSessionMiddleware:
    """A signed-in session ends after SESSION_IDLE_TIMEOUT seconds without a request.

    The time of the last request is kept in the session, rewritten at most once a minute (so a
    page costs no extra database write). The page's warning (static/clinic/idle.js) asks
    `session-activity` how long is left (a GET there does not count as activity) and "Stay
    signed in" POSTs to it. API token requests carry no session user and are not touched."""

    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_static(request.path) or not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        remaining = idle_remaining(request.session, now)
        if remaining <= 0:
            return self._expire(request)
        status_check = request.method == "GET" and request.path == reverse("session-activity")
        timeout = settings.SESSION_IDLE_TIMEOUT
        if not status_check and (
            LAST_ACTIVITY not in request.session
            or timeout - remaining >= min(self.TOUCH_EVERY, timeout / 10)
        ):
            request.session[LAST_ACTIVITY] = int(now)
            remaining = timeout
        request.idle_remaining = math.ceil(remaining)  # type: ignore[attr-defined]
        request.idle_warning = settings.SESSION_IDLE_WARNING  # type: ignore[attr-defined]
        return self.get_response(request)

    @staticmethod
    def _expire(request: HttpRequest) -> HttpResponse:
        minutes = max(1, round(settings.SESSION_IDLE_TIMEOUT / 60))
        logout(request)
        # Also for the page's own check (JSON): the page then reloads into the login page.
        messages.info(
            request,
            f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} "
            "without activity, to keep patients' records private.",
        )
        if request.path == reverse("session-activity"):
            return JsonResponse({"remaining": 0})  # the page's own question, answered
        if _wants_json(request):
            return JsonResponse({"detail": "Your session ended; sign in again."}, status=401)
        return redirect(_with_next(reverse("login"), request))


# Paths an unverified staff member may open: the second step itself, signing out, the idle
# clock and the static files.
TWO_FACTOR_OPEN = ("/accounts/two-factor/", "/accounts/logout/", "/accounts/session/")


class StaffTwoFactorMiddleware:
    """Staff whose role needs a second factor (STAFF_2FA_REQUIRED_ROLES) reach no page before
    it: with a device they are sent to enter a code, without one to enrol an authenticator.
    An API request by such a session is refused (403); one with a bearer token is judged by
    the token alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.STAFF_2FA_REQUIRED_ROLES or _is_static(request.path):
            return self.get_response(request)
        user = request.user
        if (
            not user.is_authenticated
            or user.is_verified()
            or request.path.startswith(TWO_FACTOR_OPEN)
        ):
            return self.get_response(request)
        if not two_factor_required(user):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            if request.headers.get("Authorization", "").startswith("Bearer "):
                request.user = AnonymousUser()
                return self.get_response(request)
            return JsonResponse({"detail": "Two-factor verification required."}, status=403)
        step = "two-factor-verify" if user_has_device(user) else "two-factor-setup"
        return redirect(_with_next(reverse(step), request))
