"""A provider's adjustments to a plan, checked against the treatment's catalog limits.

Pure Python (no ORM, no clock): the plan's own snapshot of the treatment (`TreatmentSpec`)
comes in, so a plan is always adjusted by the rules it was made with. Every check returns
messages keyed by the adjust form's field names, so a view can put each one next to its field:

- ``session_count``: within the treatment's minimum and maximum;
- ``start_date`` and ``date_<n>`` (1-based): never on a closed day, never before the earliest
  allowed day, in order, and never closer than the minimum interval for an area treated twice;
- ``units_<area>``: at least one, and a session's units within what one visit allows;
- ``extra_discount`` / ``extra_discount_reason``: a reason for any discount, never negative,
  never more than what is left after the course discount.

These are the course rules' only home: the plan services call them, and the engine's
`schedule_course` produces plans that pass them. The cost of an adjusted plan is computed by
the engine's `course_cost` (`price_course`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from treatments.engine.planning import (
    Closures,
    PlannedSession,
    SessionArea,
    TreatmentSpec,
    schedule_dates,
)
from treatments.engine.pricing import format_money

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _day(value: date) -> str:
    return f"{value:%a %b} {value.day}, {value.year}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def check_session_count(count: int, spec: TreatmentSpec) -> Errors:
    errors: Errors = {}
    if count < spec.min_sessions or count > spec.max_sessions:
        if spec.min_sessions == spec.max_sessions:
            allowed = f"exactly {_plural(spec.min_sessions, 'session')}"
        else:
            allowed = f"{spec.min_sessions} to {spec.max_sessions} sessions"
        _add(errors, "session_count", f"{spec.name} is given in {allowed}; you asked for {count}.")
    return errors


def check_dates(
    sessions: Sequence[PlannedSession],
    *,
    spec: TreatmentSpec,
    closures: Closures,
    earliest: date | None = None,
) -> Errors:
    """Each session's date: open, not too early, after the one before, and at least the
    minimum interval after the last session that treated any of the same areas."""
    errors: Errors = {}
    last_by_area: dict[str, tuple[int, date]] = {}
    previous: date | None = None
    for session in sessions:
        field = f"date_{session.number}"
        day = session.date
        if earliest is not None and day < earliest:
            _add(errors, field, f"Session {session.number} cannot be before {_day(earliest)}.")
        if not closures.is_open(day):
            _add(
                errors,
                field,
                f"The clinic is closed on {_day(day)}; choose another day for session "
                f"{session.number}.",
            )
        if previous is not None and day <= previous:
            _add(errors, field, f"Session {session.number} must come after the one before it.")
        too_close = [
            (number, when)
            for area in session.areas
            if (found := last_by_area.get(area.area)) is not None
            for number, when in [found]
            if (day - when).days < spec.min_interval_days
        ]
        if too_close and not (previous is not None and day <= previous):
            number, when = max(too_close, key=lambda item: item[1])
            gap = (day - when).days
            _add(
                errors,
                field,
                f"Session {session.number} is {_plural(gap, 'day')} after session {number}; "
                f"{spec.name} needs at least {spec.min_interval_days} days between sessions "
                f"(the earliest is {_day(when + timedelta(days=spec.min_interval_days))}).",
            )
        for area in session.areas:
            last_by_area[area.area] = (session.number, day)
        previous = day
    return errors


def check_units(
    units: Mapping[str, int],
    *,
    spec: TreatmentSpec,
    area_names: Mapping[str, str],
    areas_by_session: Sequence[Sequence[str]] | None = None,
) -> Errors:
    """Units per area per session; the areas treated in one session must fit one visit
    (every area in every session unless `areas_by_session` says which)."""
    errors: Errors = {}
    per_visit = spec.units_per_visit()
    for area, count in units.items():
        name = area_names.get(area, area)
        if count < 1:
            _add(errors, f"units_{area}", f"Give at least 1 {spec.unit} for the {name.lower()}.")
        elif count > per_visit:
            _add(
                errors,
                f"units_{area}",
                f"{count} {spec.unit_label(count)} for the {name.lower()} is more than the "
                f"{per_visit} one session of {spec.name} allows.",
            )
    if errors:
        return errors
    groups = [list(g) for g in areas_by_session] if areas_by_session else [list(units)]
    for group in groups:
        total = sum(units.get(a, 0) for a in group)
        if len(group) > 1 and total > per_visit:
            for area in group:
                if f"units_{area}" not in errors:
                    _add(
                        errors,
                        f"units_{area}",
                        f"The areas treated together need {total} {spec.unit_plural} per "
                        f"session, more than the {per_visit} one session allows.",
                    )
    return errors


def check_discount(
    amount: Decimal | None, reason: str, *, available: Decimal, currency: str = "USD"
) -> Errors:
    """An extra discount needs a reason and may not exceed what is left to pay."""
    errors: Errors = {}
    if amount is None or amount == 0:
        return errors
    if amount < 0:
        _add(errors, "extra_discount", "A discount cannot be negative.")
    elif amount > available:
        _add(
            errors,
            "extra_discount",
            f"A discount of {format_money(amount, currency)} is more than the "
            f"{format_money(available, currency)} left to pay.",
        )
    if not reason.strip():
        _add(errors, "extra_discount_reason", "Say why this discount is given; the quote shows it.")
    return errors


def build_sessions(
    *,
    spec: TreatmentSpec,
    dates: Sequence[date],
    units: Mapping[str, int],
    areas_by_session: Sequence[Sequence[str]] | None = None,
) -> tuple[PlannedSession, ...]:
    """Sessions on these dates; each treats its areas (every area unless `areas_by_session`
    says otherwise) at the given units, with the engine's rule for a session's length."""
    sessions = []
    for index, day in enumerate(dates):
        codes = (
            list(areas_by_session[index])
            if areas_by_session is not None and index < len(areas_by_session)
            else list(units)
        )
        total = sum(units[c] for c in codes)
        rounds = max(1, -(-total // spec.max_units_per_round))
        sessions.append(
            PlannedSession(
                number=index + 1,
                date=day,
                duration_minutes=spec.session_base_minutes
                + spec.minutes_per_unit * total
                + spec.minutes_per_round * rounds,
                areas=tuple(SessionArea(area=c, units=units[c], unit=spec.unit) for c in codes),
                treatments_in_visit=rounds,
            )
        )
    return tuple(sessions)


def reschedule(
    *, spec: TreatmentSpec, start: date, count: int, closures: Closures
) -> list[date] | None:
    """`count` dates from `start` at the treatment's usual interval (the engine's scheduler)."""
    return schedule_dates(
        visits=[0] * count,
        start=start,
        min_interval_days=spec.min_interval_days,
        usual_interval_days=spec.usual_interval_days,
        closures=closures,
    )
