"""Access rules for staff views: anonymous users go to the login page; a logged-in user
without the permission gets 403, never a redirect loop."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def staff_permission_required(*perms: str) -> Callable:
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.is_active or not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class StaffPermissionMixin(PermissionRequiredMixin):
    """Class-based views: set ``permission_required``; anonymous -> login, others -> 403."""

    raise_exception = False
