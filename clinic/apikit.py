"""What every app's `api.py` shares: authentication with the permission check, the one error
shape for bad input (``{"errors": {"<field.path>": ["message", ...]}}``, see shared/API.md),
the documented answers of each status, and keyset pagination with an opaque cursor.

The API root (`clinic/api.py`) mounts the apps' routers; this module imports no app.

Order of checks on every operation (ninja runs authentication before it reads any input):
1. who is calling (a Bearer token, else a staff session) — nobody: 401;
2. a read-only token on a write: 403; the caller lacks the operation's permission: 403;
3. a session's CSRF token on writes: 403;
4. only then the input: 400 with ``errors``.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf
from pydantic import BeforeValidator, Field, WithJsonSchema

from clinic.audit.context import act_as

# Locations ninja prefixes to every error path; callers know fields, not parameter kinds.
_LOCATION_PARTS = {"body", "query", "path", "form", "header", "cookie", "payload", "data"}
MAX_ID = 2**63 - 1  # ids are 64-bit
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NO_PERMISSION = "You do not have permission to do this."
READ_ONLY_TOKEN = "This API token is read-only: it may not change anything."


class ErrorsOut(Schema):
    """Bad input: every problem, keyed by the field's dotted path (``areas.0.pinch_mm``);
    ``body`` when the body as a whole is wrong (not JSON, not an object)."""

    errors: dict[str, list[str]] = Field(
        ..., examples=[{"date_of_birth": ["The date of birth cannot be in the future."]}]
    )


class DetailOut(Schema):
    """Not logged in (401), not allowed (403) or not found (404): a sentence for people."""

    detail: str = Field(..., examples=["You do not have permission to do this."])


def _user_may(request: HttpRequest, user, perms: Sequence[str]) -> None:
    token = getattr(request, "api_token", None)
    if token is not None and token.read_only and request.method not in SAFE_METHODS:
        raise HttpError(403, READ_ONLY_TOKEN)
    if perms and not user.has_perms(perms):
        raise HttpError(403, NO_PERMISSION)


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer ct_...`: acts as the token's user, with that user's role; a
    read-only token may only read."""

    def __init__(self, perms: Sequence[str] = ()):
        self.perms = tuple(perms)
        super().__init__()

    def __call__(self, request: HttpRequest):
        user = super().__call__(request)
        if user:
            _user_may(request, user, self.perms)
        return user

    def authenticate(self, request: HttpRequest, token: str):
        from clinic.models import ApiToken

        api_token = ApiToken.for_key(token)
        if api_token is None:
            return None
        api_token.touch()
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        act_as(api_token.user)
        return api_token.user


class StaffSessionAuth(SessionAuth):
    """A logged-in, active user's session, with Django's CSRF check on writes — checked after
    the login, so an anonymous write is a 401 like an anonymous read."""

    def __init__(self, perms: Sequence[str] = (), csrf: bool = True):
        self.perms = tuple(perms)
        super().__init__(csrf=csrf)

    def __call__(self, request: HttpRequest):
        user = self.authenticate(request, None)
        if user is None:
            return None
        _user_may(request, user, self.perms)
        if self.csrf and request.method not in SAFE_METHODS and check_csrf(request):
            raise HttpError(
                403, "CSRF check failed: send the csrftoken cookie's value in X-CSRFToken."
            )
        return user

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


def perm_auth(*perms: str) -> list:
    """The operation's `auth=`: a token or a session, whose user must have every one of
    `perms` — checked before the input is read."""
    return [ApiTokenAuth(perms), StaffSessionAuth(perms, csrf=True)]


def responses(ok_status: int, ok_schema: Any, *, found: bool = True, **more: Any) -> dict:
    """Every status an operation answers, each with its body: `ok_status`, 400 (errors),
    401, 403 and, for an operation on one object, 404; `more` adds e.g. ``s409=ConflictOut``."""
    answers: dict = {ok_status: ok_schema, 400: ErrorsOut, 401: DetailOut, 403: DetailOut}
    if found:
        answers[404] = DetailOut
    for key, schema in more.items():
        answers[int(key.removeprefix("s"))] = schema
    return answers


class BadRequest(Exception):
    """A business-rule error on input that passed schema validation."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


def bad_request(errors: dict[str, list[str]]) -> BadRequest:
    return BadRequest(errors)


def require_perm(request: HttpRequest, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise HttpError(403, NO_PERMISSION)


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


# --- Text without control characters ------------------------------------------------------

# No NUL (PostgreSQL refuses it), no other C0/C1 control character, no line break: a name or
# a search is one line. JSON Schema pattern and the check are the same expression.
ONE_LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"
_ONE_LINE = re.compile(ONE_LINE_PATTERN)


def one_line(min_length: int, max_length: int, description: str = "", **kw: Any) -> Any:
    """A single-line text field: stripped of nothing, refused with a 400 when it holds a
    control character or line break."""
    return Annotated[
        str,
        Field(
            min_length=min_length,
            max_length=max_length,
            pattern=ONE_LINE_PATTERN,
            **({"description": description} if description else {}),
            **kw,
        ),
    ]


# --- Keyset pagination ---------------------------------------------------------------------

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Eleven base-62 digits hold any 64-bit key; the pattern is all a cursor can be.
CURSOR_PATTERN = r"^[0-9A-Za-z]{1,11}$"


def encode_cursor(value: int) -> str:
    """An opaque cursor for a non-negative integer key (callers pass it back unchanged)."""
    digits = []
    while True:
        value, rest = divmod(value, 62)
        digits.append(_ALPHABET[rest])
        if not value:
            return "".join(reversed(digits))


def decode_cursor(cursor: str) -> int:
    """The key of a cursor. Every string the pattern allows decodes (to a key past the end,
    at worst, which gives an empty page): no cursor the schema accepts is refused."""
    value = 0
    for char in cursor:
        value = value * 62 + _ALPHABET.index(char)
    return value


def _no_default(schema: dict) -> None:
    # An optional parameter has no value when absent; `null` is not one a caller may send.
    schema.pop("default", None)


def limit_field() -> Any:
    return Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"Items per page, 1-{MAX_LIMIT} (default {DEFAULT_LIMIT}).",
    )


def cursor_field() -> Any:
    return Field(
        None,
        pattern=CURSOR_PATTERN,
        description=(
            "Opaque: the `next_cursor` of the previous page, passed back unchanged. "
            "Leave out for the first page."
        ),
        json_schema_extra=_no_default,
    )


def optional(**kw: Any) -> Any:
    """An optional field that, when given, is not null (its absence is the default)."""
    return Field(None, json_schema_extra=_no_default, **kw)


# --- Dates and times -----------------------------------------------------------------------

# Years the calendar and booking take: wide enough for any real date, narrow enough that a
# day after the last one still exists (year 9999's last day has no next day).
_YEAR = "(?:19|2[01])[0-9]{2}"
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
# 29 February of the leap years among 1900-2199 (1900 and 2100 are not; 2000 is).
_LEAP_DAY = "(?:(?:19|2[01])(?:0[48]|[2468][048]|[13579][26])-02-29|2000-02-29)"
_DAY = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})"
_TIME = (
    "T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,6})?)?"
    "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
)
# Exactly the real days (and times) of those years: what the pattern allows exists.
CALENDAR_DATE_PATTERN = f"^{_DAY}$"
LOCAL_DATETIME_PATTERN = f"^{_DAY}{_TIME}$"
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _date_text(value: Any) -> Any:
    """Only `YYYY-MM-DD` text is a date (not a number, not another ISO form)."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("Enter a date as YYYY-MM-DD.")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError("This date does not exist.") from None


def _calendar_date(value: Any) -> Any:
    day = _date_text(value)
    if not 1900 <= day.year <= 2199:
        raise ValueError("Choose a date between 1900 and 2199.")
    return day


def _local_datetime(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str) or not re.match(r"^[0-9]{4}-", value):
        raise ValueError("Enter a date and time as YYYY-MM-DDTHH:MM, with an optional offset.")
    if not re.match(LOCAL_DATETIME_PATTERN, value):
        if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T", value) and not re.match(f"^{_YEAR}", value):
            raise ValueError("Choose a time between the years 1900 and 2199.")
        raise ValueError("Enter a real date and time as YYYY-MM-DDTHH:MM, with an optional offset.")
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("This date or time does not exist.") from None


IsoDate = Annotated[
    datetime.date,
    BeforeValidator(_date_text),
    WithJsonSchema({"type": "string", "format": "date"}),
]
CalendarDate = Annotated[
    datetime.date,
    BeforeValidator(_calendar_date),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": CALENDAR_DATE_PATTERN,
            "description": "YYYY-MM-DD, in the years 1900-2199.",
        }
    ),
]
LocalDateTime = Annotated[
    datetime.datetime,
    BeforeValidator(_local_datetime),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": LOCAL_DATETIME_PATTERN,
            "description": (
                "ISO 8601 date and time, e.g. 2027-01-04T09:00 or 2027-01-04T09:00:00+01:00; "
                "without an offset, the clinic's time. Years 1900-2199."
            ),
        }
    ),
]


# --- Whole numbers in a JSON body ----------------------------------------------------------


def _whole_number(value: Any) -> Any:
    """JSON Schema's integer: 3 or 3.0, never "3" or true."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Enter a whole number.")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("Enter a whole number.")
        return int(value)
    return value


def whole(default: Any = ..., *, ge: int, le: int, description: str) -> Any:
    """A body's integer field: a JSON number without a fraction, from `ge` to `le`."""
    extra = {"json_schema_extra": _no_default} if default is None else {}
    return Annotated[
        int,
        Field(ge=ge, le=le),
        BeforeValidator(_whole_number),
        Field(default, description=description, **extra),
    ]


def _whole_or_null(value: Any) -> Any:
    return None if value is None else _whole_number(value)


def whole_or_null(*, ge: int, le: int, description: str) -> Any:
    """A body's optional integer that may also be null (meaning none)."""
    return Annotated[
        Annotated[int, Field(ge=ge, le=le)] | None,
        BeforeValidator(_whole_or_null),
        Field(None, description=description),
    ]
