"""The edge of the app: what no view should ever have to think about.

- A request body larger than ``MAX_REQUEST_BODY_BYTES`` is refused from its Content-Length,
  before a byte of it is read (Django's own limits leave file uploads unbounded).
- Control characters (NUL above all: PostgreSQL refuses it in text) have no place in a URL
  path, a query parameter or a form field. A path with one names no page (404); a parameter
  or field with one is refused with a 400 that says which, instead of reaching the database
  and coming back as a 500. Tabs and line breaks stay allowed in form fields (text areas);
  single-line fields refuse line breaks in their own forms.
"""

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

# C0 controls and DEL. Line breaks and tabs are ordinary in text areas.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")

CONTROL_MESSAGE = "This contains a control character (such as a NUL byte) that cannot be stored."


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def _bad_fields(request: HttpRequest) -> dict[str, list[str]]:
    bad: dict[str, list[str]] = {}
    sources = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.POST)
    for source in sources:
        for key, values in source.lists():
            if has_control_characters(key) or any(has_control_characters(v) for v in values):
                bad[_CONTROL.sub("?", key)] = [CONTROL_MESSAGE]
    return bad


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class RequestEdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        too_big = self._too_big(request)
        if too_big:
            return too_big
        if _CONTROL_IN_PATH.search(request.path_info):
            return self._refuse(request, 404, {"path": ["There is no such page."]})
        bad = _bad_fields(request)
        if bad:
            return self._refuse(request, 400, bad)
        return self.get_response(request)

    @staticmethod
    def _too_big(request: HttpRequest) -> HttpResponse | None:
        limit = settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= limit:
            return None
        megabytes = limit // (1024 * 1024)
        message = f"The request is too large: at most {megabytes} MB can be sent at once."
        return RequestEdgeMiddleware._refuse(request, 413, {"body": [message]})

    @staticmethod
    def _refuse(request: HttpRequest, status: int, errors: dict[str, list[str]]) -> HttpResponse:
        if _is_api(request):
            key = "detail" if status == 404 else "errors"
            body = {key: "Not found."} if status == 404 else {key: errors}
            return JsonResponse(body, status=status)
        template = "404.html" if status == 404 else "400.html"
        return render(request, template, {"errors": errors}, status=status)
