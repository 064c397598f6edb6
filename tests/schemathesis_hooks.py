"""What the fuzzer (tests/test_schemathesis.py) must know beyond the OpenAPI document.

The document states every rule JSON Schema can state. A few rules relate two values, or a
value and today, and the document can only say them in words (each is in its description):
a date of birth in the past, `end` on or after `start` and at most 62 days on, each area
once, a preview's start within two years, a booking naming each of the plan's sessions once,
a new patient's email or phone (`x-one-of-required`).
These hooks keep the generated *valid* requests valid under those rules, by moving a value
into range rather than dropping the example; every other value stays as generated. Each rule
has its own 400 test in tests/*/test_api.py.

`format: phone` (a number valid in its country) is drawn from the phone library's own
example numbers; the document's pattern still filters them.
"""

from __future__ import annotations

import datetime

import phonenumbers
import schemathesis
from hypothesis import strategies as st

# The demo course the fuzz test seeds has this many sessions (see test_schemathesis.py).
COURSE_SESSIONS = 3
MAX_RANGE_DAYS = 62
OLDEST_AGE = 119


def _example_phones() -> list[str]:
    numbers = []
    for region in ("US", "GB", "DE", "FR", "AU", "CA", "IE", "NL"):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                numbers.append(
                    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                )
                numbers.append(
                    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
                )
    return numbers


schemathesis.openapi.format("phone", st.sampled_from(_example_phones()))


PHONES = _example_phones()


def _parse(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _past_date(day: datetime.date) -> datetime.date:
    """A day in the last `OLDEST_AGE` years, derived from `day` (same month and day)."""
    today = datetime.date.today()
    year = today.year - 1 - (day.year % (OLDEST_AGE - 1))
    return datetime.date(year, day.month, min(day.day, 28))


def _valid_phone(text: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, "US"))
    except phonenumbers.NumberParseException:
        return False


def new_patient(body: dict) -> None:
    day = _parse(body.get("date_of_birth"))
    if day is not None:
        body["date_of_birth"] = _past_date(day).isoformat()
    phone = body.get("phone")
    if isinstance(phone, str) and phone and not _valid_phone(phone):
        body["phone"] = PHONES[len(phone) % len(PHONES)]
    if not body.get("email") and not body.get("phone"):  # x-one-of-required
        body["email"] = "patient@example.com"


def preview(body: dict) -> None:
    areas = body.get("areas")
    if isinstance(areas, list):
        seen, kept = set(), []
        for area in areas:
            code = area.get("area") if isinstance(area, dict) else None
            if isinstance(code, str):
                if code in seen:
                    continue
                seen.add(code)
            kept.append(area)
        body["areas"] = kept
    prefs = body.get("preferences")
    start = _parse(prefs.get("start_date")) if isinstance(prefs, dict) else None
    if start is not None and start > datetime.date.today() + datetime.timedelta(days=700):
        prefs["start_date"] = (  # type: ignore[index]
            datetime.date.today() + datetime.timedelta(days=start.toordinal() % 700)
        ).isoformat()


def booking(body: dict) -> None:
    sessions = body.get("sessions")
    if not isinstance(sessions, list):
        return
    seen, kept = set(), []
    for slot in sessions:
        number = slot.get("number") if isinstance(slot, dict) else None
        if isinstance(number, int | float) and not isinstance(number, bool):
            slot["number"] = (int(number) - 1) % COURSE_SESSIONS + 1
            if slot["number"] in seen:
                continue
            seen.add(slot["number"])
        kept.append(slot)
    body["sessions"] = kept


def calendar(query: dict) -> None:
    start, end = _parse(query.get("start")), _parse(query.get("end"))
    if start is None or end is None:
        return
    if end < start:
        start, end = end, start
    if (end - start).days > MAX_RANGE_DAYS:
        end = start + datetime.timedelta(days=(end - start).days % (MAX_RANGE_DAYS + 1))
    query["start"], query["end"] = start.isoformat(), end.isoformat()


BODY_RULES = {
    ("POST", "/api/v1/patients"): new_patient,
    ("POST", "/api/v1/plans/preview"): preview,
    ("POST", "/api/v1/plans/{plan_id}/book"): booking,
}
QUERY_RULES = {("GET", "/api/v1/appointments"): calendar}


@schemathesis.hook
def map_case(context, case):
    """Every phase's cases (the coverage phase's too) pass through here; only the valid ones
    are kept valid (an invalid one must stay invalid for the 400 checks)."""
    meta = case.meta
    if meta is not None and not meta.generation.mode.is_positive:
        return case
    key = (case.operation.method.upper(), case.operation.path)
    if key in BODY_RULES and isinstance(case.body, dict):
        BODY_RULES[key](case.body)
    if key in QUERY_RULES and isinstance(case.query, dict):
        QUERY_RULES[key](case.query)
    return case
