import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_http_methods

from clinic.navigation import items_for
from clinic.security import LAST_ACTIVITY


@login_required
def dashboard(request):
    return render(request, "clinic/dashboard.html", {"actions": items_for(request.user)})


def favicon(request):
    # Resolved per request: the hashed static name only exists after collectstatic.
    return redirect(static("clinic/favicon.svg"), permanent=True)


def healthz(request):
    return JsonResponse({"status": "ok"})


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


class LogoutWithMessageView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are logged out.")
        return response


@require_http_methods(["GET", "POST"])
def session_activity(request):
    """The idle clock for the page's warning: GET says how many seconds are left (without
    counting as activity); POST ("Stay signed in") starts the clock again."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0}, status=401)
    if request.method == "POST":
        request.session[LAST_ACTIVITY] = int(time.time())
        return JsonResponse({"remaining": settings.SESSION_IDLE_TIMEOUT})
    return JsonResponse({"remaining": getattr(request, "idle_remaining", 0)})
