"""The JSON API at /api/v1/: every app's `api.py` router, mounted here, with staff session or
API-token auth and one error shape for bad input (see `clinic.apikit`)."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from clinic.apikit import BadRequest, DetailOut, errors_from_validation, perm_auth
from clinic.roles import app_modules, user_roles


class ContourAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The view's own name (create_patient, book_course...): what a generated client calls.
        return operation.view_func.__name__


api = ContourAPI(
    title="Contour API",
    version="1.1.0",
    description="Patients, intake and treatment plans for Contour clinics.",
    urls_namespace="api",
    auth=perm_auth(),
)


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


for _module in app_modules("api"):
    if _module.__name__ != __name__:
        api.add_router("", _module.router)


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]


@api.get(
    "/me",
    response={200: MeOut, 401: DetailOut, 403: DetailOut},
    tags=["account"],
    summary="The logged-in staff user",
)
def me(request: HttpRequest) -> dict:
    user = request.user
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "roles": user_roles(user),
    }
