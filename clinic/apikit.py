"""What every app's `api.py` shares: authentication, the permission check and the one error
shape for bad input (``{"errors": {"<field.path>": ["message", ...]}}``, see shared/API.md).

The API root (`clinic/api.py`) mounts the apps' routers; this module imports no app.
"""

from collections import defaultdict

from django.http import HttpRequest
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from clinic.audit.context import act_as

# Locations ninja prefixes to every error path; callers know fields, not parameter kinds.
_LOCATION_PARTS = {"body", "query", "path", "form", "header", "cookie", "payload", "data"}


class StaffSessionAuth(SessionAuth):
    """A logged-in, active user's session, with Django's CSRF check on writes."""

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer ct_...`: acts as the token's user, with that user's role."""

    def authenticate(self, request: HttpRequest, token: str):
        from clinic.models import ApiToken

        api_token = ApiToken.for_key(token)
        if api_token is None:
            return None
        api_token.touch()
        request.user = api_token.user
        act_as(api_token.user)
        return api_token.user


class BadRequest(Exception):
    """A business-rule error on input that passed schema validation."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


def bad_request(errors: dict[str, list[str]]) -> BadRequest:
    return BadRequest(errors)


def require_perm(request: HttpRequest, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise HttpError(403, "You do not have permission to do this.")


def error_path(loc) -> str:
    parts = [str(p) for p in loc]
    # Drop the leading location ("body") and the view's parameter name ("payload").
    while parts and parts[0] in _LOCATION_PARTS:
        parts.pop(0)
    return ".".join(parts) or "body"


def errors_from_validation(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    for error in exc.errors:
        message = str(error.get("msg", "Invalid value."))
        message = message.removeprefix("Value error, ")
        if error.get("type") == "missing":
            message = "This field is required."
        errors[error_path(error.get("loc", ()))].append(message)
    return dict(errors)
