"""The JSON API at /api/v1/: staff session auth, one error shape for bad input.

Every kind of bad input answers 400 with ``{"errors": {"<field.path>": ["message", ...]}}``
(see shared/API.md); apps add their endpoints to the routers in `<app>/api.py`.
"""

from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

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
        return api_token.user


api = NinjaAPI(
    title="Contour API",
    version="1",
    description="Patients, intake and treatment plans for Contour clinics.",
    urls_namespace="api",
    auth=[ApiTokenAuth(), StaffSessionAuth(csrf=True)],
)


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


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"errors": errors_from_validation(exc)}, status=400)


@api.exception_handler(BadRequest)
def on_bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    return api.create_response(request, {"errors": exc.errors}, status=400)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Log in to use the API."}, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        # Ninja raises this for a body that is not JSON at all.
        return api.create_response(
            request, {"errors": {"body": ["The request body is not valid JSON."]}}, status=400
        )
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


def _include_app_routers() -> None:
    from consultations.api import router as consultations_router
    from treatments.api import router as treatments_router

    api.add_router("", consultations_router)
    api.add_router("", treatments_router)


_include_app_routers()


@api.get("/me", tags=["account"], summary="The logged-in staff user")
def me(request: HttpRequest) -> dict:
    from clinic.roles import user_roles

    user = request.user
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "roles": user_roles(user),
    }
