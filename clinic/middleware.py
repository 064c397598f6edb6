"""Project-wide request guards."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

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
