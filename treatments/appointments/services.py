"""Booking, moving, cancelling and recording sessions.

Each function loads what it needs, asks the pure slot finder (treatments.engine.slots) and
writes inside `transaction.atomic()`. No double booking: PostgreSQL refuses overlapping
active appointments per provider, room and device (exclusion constraints, migration 0007);
on every database the slot is also re-checked in Python inside the transaction, which gives
the front desk a clear reason and is the only guard on SQLite (whose writes are serialised).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from io import BytesIO
from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from clinic.formats.display import clock
from clinic.validators import is_plausible_date
from consultations.selectors import clinic_contact
from treatments.appointments.models import (
    HOLDS_SESSION,
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    ProgressPhoto,
    ProviderProfile,
    Room,
    TreatedArea,
)
from treatments.appointments.selectors import (
    clinic_snapshot,
    need_for,
    plan_course,
    rules_for,
    to_aware,
    to_local,
)
from treatments.catalog.models import BodyArea
from treatments.engine import slots as scheduling
from treatments.plans.lifecycle import BOOKABLE_STATUSES, plan_can_be_booked
from treatments.plans.models import Plan, PlanSession, PlanStatus
from treatments.plans.services import plan_transition

ALTERNATIVES = 5  # how many next free slots a conflict offers
ALTERNATIVES_DAYS = 21


class BookingErrorKind(StrEnum):
    """Why a booking failed, for callers to branch on (the message is for people)."""

    # The slot finder refuses the slot: taken, closed, outside hours, provider not working...
    SLOT_UNAVAILABLE = "slot_unavailable"
    # Another booking of the same provider, room or device committed first.
    SLOT_TAKEN = "slot_taken"
    # Another booking of the same session committed first.
    SESSION_TAKEN = "session_taken"
    # The session already has an appointment standing for it.
    ALREADY_BOOKED = "already_booked"
    # The course proposal found no free slot for a session.
    NO_FREE_SLOT = "no_free_slot"

    @property
    def offers_alternatives(self) -> bool:
        """Whether the answer is the next free slots for the same session."""
        return self in (
            BookingErrorKind.SLOT_UNAVAILABLE,
            BookingErrorKind.SLOT_TAKEN,
            BookingErrorKind.SESSION_TAKEN,
        )


class BookingError(Exception):
    """A booking that cannot be made: its kind, a sentence for the front desk and, when a slot
    was taken, the next free slots for the same session."""

    def __init__(
        self,
        kind: BookingErrorKind,
        message: str,
        alternatives: tuple[scheduling.Slot, ...] = (),
    ):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.alternatives = alternatives


# Codes of the ValidationErrors the booking services raise (rules, not conflicts).
NOT_BOOKABLE = "not_bookable"  # the plan is not accepted, or not signed
TOO_CLOSE = "too_close"  # closer to the previous session than the minimum interval


# --- Plans ---------------------------------------------------------------------------------


def plan_booking_problem(plan: Plan) -> str:
    """Why the plan's sessions cannot be booked ("" when they can), in words for the front
    desk. The rule itself is the plans lifecycle's (plan_can_be_booked); this only explains
    which half of it is missing."""
    if plan_can_be_booked(plan):
        return ""
    if plan.status not in BOOKABLE_STATUSES:
        return (
            f"Only an accepted plan can be booked; this one is {plan.get_status_display().lower()}."
        )
    return "This plan cannot be booked yet: the patient has not signed the consent."


def _require_bookable(plan: Plan) -> None:
    problem = plan_booking_problem(plan)
    if problem:
        raise ValidationError(problem, code=NOT_BOOKABLE)


def _set_plan_status(plan: Plan, to: str, *, by, note: str) -> None:
    if plan.status != to:
        # Issue 5's transition service checks the move and records who and when.
        plan.status = plan_transition(plan=plan, to_status=to, by=by, note=note).status


def plan_sync_status(*, plan: Plan, by) -> None:
    """Accepted -> in progress at the first recorded session; -> completed when every
    session of the course is done."""
    sessions = list(plan.sessions.values_list("pk", flat=True))
    done = set(
        Appointment.objects.filter(
            plan_session__plan=plan, status=AppointmentStatus.DONE
        ).values_list("plan_session_id", flat=True)
    )
    if plan.status == PlanStatus.ACCEPTED and done:
        _set_plan_status(plan, PlanStatus.IN_PROGRESS, by=by, note="First session recorded.")
    if plan.status == PlanStatus.IN_PROGRESS and sessions and done >= set(sessions):
        _set_plan_status(plan, PlanStatus.COMPLETED, by=by, note="Every session is done.")


# --- Booking -------------------------------------------------------------------------------


def slot_token(slot: scheduling.Slot) -> str:
    """A slot as one form value: start|minutes|provider|room|device."""
    minutes = int((slot.end - slot.start).total_seconds() // 60)
    return "|".join(
        [
            slot.start.strftime("%Y-%m-%dT%H:%M"),
            str(minutes),
            str(slot.provider_id),
            str(slot.room_id or ""),
            str(slot.device_id or ""),
        ]
    )


def slot_from_token(token: str) -> scheduling.Slot:
    try:
        start_s, minutes_s, provider_s, room_s, device_s = token.split("|")
        start = datetime.strptime(start_s, "%Y-%m-%dT%H:%M")
        minutes = int(minutes_s)
        if not 0 < minutes <= 24 * 60 or not is_plausible_date(start.date()):
            raise ValueError
        return scheduling.Slot(
            start,
            start + timedelta(minutes=minutes),
            int(provider_s),
            int(room_s) if room_s else None,
            int(device_s) if device_s else None,
        )
    except (ValueError, TypeError) as exc:
        raise ValidationError("That slot is not valid; pick one from the list.") from exc


def next_free_slots(
    *,
    plan_session: PlanSession,
    after: datetime,
    limit: int = ALTERNATIVES,
    days: int = ALTERNATIVES_DAYS,
    exclude: tuple[int, ...] = (),
) -> tuple[scheduling.Slot, ...]:
    """Free slots for this session from `after` (local wall-clock) on."""
    treatment = plan_session.plan.treatment
    first = after.date()
    last = first + timedelta(days=days)
    clinic = clinic_snapshot(first_day=first, last_day=last, exclude=exclude)
    return scheduling.free_slots(
        clinic,
        need=need_for(treatment),
        duration_minutes=plan_session.duration_minutes,
        first_day=first,
        last_day=last,
        not_before=after,
        limit=limit,
    )


def course_proposal(*, plan: Plan, now: datetime) -> scheduling.CourseProposal:
    """A slot for every session of the plan that has no active appointment, on the date the
    signed plan agreed for it (or the nearest free day the rules allow), never before the
    plan's start date or now; a session with an appointment keeps it (and anchors the
    interval of its neighbours)."""
    rows = list(plan.sessions.order_by("number"))
    booked = {
        a.plan_session_id: a
        for a in Appointment.objects.filter(plan_session__plan=plan, status__in=HOLDS_SESSION)
    }
    local_now = to_local(now)
    start = max(plan.start_date, local_now.date())
    rules = rules_for(plan.treatment)
    horizon = max(
        [start + timedelta(days=scheduling.FIRST_SESSION_SEARCH_DAYS)]
        + [s.planned_date for s in rows if s.planned_date]
    ) + timedelta(days=rules.max_gap_days * max(len(rows), 1))
    clinic = clinic_snapshot(first_day=start, last_day=horizon)
    fixed = {
        s.number: scheduling.Slot(
            to_local(a.start), to_local(a.end), a.provider_id, a.room_id, a.device_id
        )
        for s in rows
        if (a := booked.get(s.pk)) is not None
    }
    return scheduling.propose_course(
        clinic,
        need=need_for(plan.treatment),
        sessions=[
            scheduling.SessionRequest(s.number, s.duration_minutes, s.planned_date) for s in rows
        ],
        rules=rules,
        start=start,
        not_before=local_now,
        fixed=fixed,
    )


# How far after the day asked for a picker looks for the next day with a free slot.
NEXT_FREE_DAY_DAYS = 60


def _day(day: date) -> str:
    return f"{day:%a %b} {day.day}"


def _closed_reason(clinic: scheduling.Clinic, day: date) -> str:
    if day in clinic.closed_dates or not any(h.weekday == day.weekday() for h in clinic.opening):
        return f"the clinic is closed on {_day(day)}"
    return f"every provider, room or device is taken on {_day(day)}"


@dataclass(frozen=True)
class DaySlots:
    """Every free start of one day for a session, inside the days the course rules leave it;
    `note` says why the day shown is not the day asked for, or why nothing is free."""

    day: date
    slots: tuple[scheduling.Slot, ...]
    earliest: date
    latest: date | None
    note: str = ""

    @property
    def previous_day(self) -> date | None:
        day = self.day - timedelta(days=1)
        return day if day >= self.earliest else None

    @property
    def next_day(self) -> date | None:
        day = self.day + timedelta(days=1)
        return day if self.latest is None or day <= self.latest else None


def _booked_neighbours(
    plan_session: PlanSession, exclude: tuple[int, ...]
) -> tuple[date | None, date | None]:
    """The dates of the course's nearest active appointments before and after the session."""
    days = [
        (number, to_local(start).date())
        for number, start in Appointment.objects.filter(
            plan_session__plan_id=plan_session.plan_id, status__in=HOLDS_SESSION
        )
        .exclude(pk__in=exclude)
        .exclude(plan_session_id=plan_session.pk)
        .values_list("plan_session__number", "start")
    ]
    number = plan_session.number
    return (
        max((d for n, d in days if n < number), default=None),
        min((d for n, d in days if n > number), default=None),
    )


def _bounds_note(session: PlanSession, asked: date, shown: date, rules, today: date) -> str:
    if asked == shown:
        return ""
    if asked < shown:
        why = (
            f", {rules.min_interval_days} days after the session before it" if shown > today else ""
        )
        return f"The first day session {session.number} can take is {_day(shown)}{why}."
    return (
        f"The last day session {session.number} can take is {_day(shown)}, "
        f"{rules.min_interval_days} days before the session after it."
    )


def day_slots(
    *,
    plan_session: PlanSession,
    day: date,
    now: datetime,
    exclude: tuple[int, ...] = (),
    later_sessions_follow: bool = False,
) -> DaySlots:
    """Every free slot of `day` for the session (never before now), inside the days the
    minimum interval leaves it from the course's booked sessions before and after it. With
    `later_sessions_follow` (a move: later sessions move along) only the one before bounds
    it. A day outside those days shows the nearest one inside; a day with nothing free, the
    next day that has something. `exclude` the appointment being moved."""
    rules = rules_for(plan_session.plan.treatment)
    previous, following = _booked_neighbours(plan_session, exclude)
    low, high = scheduling.session_bounds(
        previous=previous, following=None if later_sessions_follow else following, rules=rules
    )
    local_now = to_local(now)
    earliest = max(low or local_now.date(), local_now.date())
    if high is not None and high < earliest:
        return DaySlots(
            day,
            (),
            earliest,
            high,
            f"No day is {rules.min_interval_days} days from both the session before and the "
            "one after: move one of them first.",
        )
    shown = min(max(day, earliest), high or max(day, earliest))
    note = _bounds_note(plan_session, day, shown, rules, local_now.date())
    last = min(shown + timedelta(days=NEXT_FREE_DAY_DAYS), high or date.max)
    clinic = clinic_snapshot(first_day=shown, last_day=last, exclude=exclude)

    def free(first: date, last_day: date, limit: int | None = None):
        return scheduling.free_slots(
            clinic,
            need=need_for(plan_session.plan.treatment),
            duration_minutes=plan_session.duration_minutes,
            first_day=first,
            last_day=last_day,
            not_before=local_now,
            limit=limit,
        )

    slots = free(shown, shown)
    if not slots:
        why = _closed_reason(clinic, shown).capitalize()
        following_free = free(shown + timedelta(days=1), last, limit=1)
        if not following_free:
            return DaySlots(
                shown, (), earliest, high, f"{why}; nothing is free until {_day(last)}."
            )
        shown = following_free[0].start.date()
        slots = free(shown, shown)
        note = f"{note} {why}; the next day with a free slot is {_day(shown)}.".strip()
    return DaySlots(shown, slots, earliest, high, note)


@dataclass(frozen=True)
class SessionChoice:
    """A session on the course proposal: its appointment when it has one; otherwise the
    proposed slot, the day shown for it and every free slot of that day to choose from."""

    session: PlanSession
    proposed: scheduling.ProposedSession | None
    booked: Appointment | None = None
    options: tuple[scheduling.Slot, ...] = ()  # every free slot of `day`, earliest first
    day: date | None = None
    problem: str = ""  # why there is nothing to choose on `day`


@dataclass(frozen=True)
class CourseChoices:
    sessions: tuple[SessionChoice, ...]
    complete: bool  # every session to book has a slot to choose


def _course_days(
    rows: list[PlanSession],
    booked: dict[int, Appointment],
    proposal: scheduling.CourseProposal,
    asked: dict[int, date],
) -> dict[int, date]:
    """The day each session stands on: its appointment's, else the day asked for, else the
    proposed slot's (none when the proposal found no slot and nothing was asked)."""
    proposed = {p.number: p.slot.start.date() for p in proposal.sessions if p.slot}
    days = {}
    for s in rows:
        if s.number in booked:
            days[s.number] = to_local(booked[s.number].start).date()
        elif (day := asked.get(s.number) or proposed.get(s.number)) is not None:
            days[s.number] = day
    return days


def _day_problem(number: int, day: date, days: dict[int, date], rules, today: date) -> str:
    """Why `day` breaks the minimum interval from the days of the sessions around it."""
    if day < today:
        return "That day has passed; pick another."
    before = max((n for n in days if n < number), default=None)
    after = min((n for n in days if n > number), default=None)
    low, high = scheduling.session_bounds(
        previous=days.get(before) if before else None,
        following=days.get(after) if after else None,
        rules=rules,
    )
    if low is not None and day < low:
        return (
            f"Only {(day - days[before]).days} days after session {before}; the minimum is "
            f"{rules.min_interval_days} (from {_day(low)})."
        )
    if high is not None and day > high:
        return (
            f"Only {(days[after] - day).days} days before session {after}; the minimum is "
            f"{rules.min_interval_days} (until {_day(high)})."
        )
    return ""


def course_choices(
    *, plan: Plan, now: datetime, days: dict[int, date] | None = None
) -> CourseChoices:
    """The course proposal with, for every unbooked session, every free slot of its day: the
    day asked for in `days` (session number -> day), else the proposed slot's. A day that
    breaks the minimum interval from the days of the sessions around it offers nothing and
    says why."""
    proposal = course_proposal(plan=plan, now=now)
    by_number = {p.number: p for p in proposal.sessions}
    rows = list(plan.sessions.order_by("number"))
    booked = {r.session.number: r.appointment for r in plan_course(plan=plan) if r.appointment}
    chosen = _course_days(rows, booked, proposal, days or {})
    local_now = to_local(now)
    rules = rules_for(plan.treatment)
    wanted = [local_now.date(), *chosen.values()]
    clinic = clinic_snapshot(first_day=min(wanted), last_day=max(wanted))
    sessions = []
    for session in rows:
        proposed = by_number.get(session.number)
        day = chosen.get(session.number)
        if session.number in booked or day is None:
            problem = proposed.problem if proposed else ""
            sessions.append(
                SessionChoice(session, proposed, booked.get(session.number), (), day, problem)
            )
            continue
        problem = _day_problem(session.number, day, chosen, rules, local_now.date())
        options = (
            ()
            if problem
            else scheduling.free_slots(
                clinic,
                need=need_for(plan.treatment),
                duration_minutes=session.duration_minutes,
                first_day=day,
                not_before=local_now,
            )
        )
        if not problem and not options:
            problem = _closed_reason(clinic, day).capitalize() + "; pick another day."
        sessions.append(SessionChoice(session, proposed, None, options, day, problem))
    complete = all(c.booked is not None or c.options for c in sessions)
    return CourseChoices(tuple(sessions), complete)


def _conflict(plan_session: PlanSession, slot: scheduling.Slot, exc: BookingError) -> BookingError:
    alternatives = next_free_slots(plan_session=plan_session, after=slot.start)
    return BookingError(
        exc.kind,
        f"Session {plan_session.number}: {exc.message} "
        + ("Here are the next free slots." if alternatives else "No free slot in the next weeks."),
        alternatives,
    )


def _lock_resources(slot: scheduling.Slot) -> None:
    """Serialise bookings of the same provider on databases without exclusion constraints.
    (On PostgreSQL the constraint is the guard; SQLite already serialises writes.)"""
    if connection.vendor == "postgresql":
        return
    list(ProviderProfile.objects.select_for_update().filter(user_id=slot.provider_id))
    if slot.room_id:
        list(Room.objects.select_for_update().filter(pk=slot.room_id))


def _check_slot(
    *, plan_session: PlanSession, slot: scheduling.Slot, exclude: tuple[int, ...] = ()
) -> None:
    """Inside an atomic block: BookingError unless the slot is free and right for the session."""
    duration = int((slot.end - slot.start).total_seconds() // 60)
    if duration != plan_session.duration_minutes:
        raise ValidationError(
            f"Session {plan_session.number} takes {plan_session.duration_minutes} minutes."
        )
    _lock_resources(slot)
    day = slot.start.date()
    clinic = clinic_snapshot(first_day=day, last_day=day, exclude=exclude)
    problem = scheduling.slot_is_free(clinic, need=need_for(plan_session.plan.treatment), slot=slot)
    if problem:
        raise BookingError(BookingErrorKind.SLOT_UNAVAILABLE, problem)


def _session_held_elsewhere(appointment: Appointment) -> bool:
    return (
        Appointment.objects.filter(
            plan_session_id=appointment.plan_session_id, status__in=HOLDS_SESSION
        )
        .exclude(pk=appointment.pk)
        .exists()
    )


def _save_guarded(appointment: Appointment) -> None:
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        # Another booking committed first: the same session (unique active appointment per
        # session) or, on PostgreSQL, the same provider, room or device (exclusion
        # constraints). The loser learns it here; the savepoint keeps the transaction usable
        # to ask which.
        if _session_held_elsewhere(appointment):
            raise BookingError(
                BookingErrorKind.SESSION_TAKEN, "This session was just booked by someone else."
            ) from exc
        raise BookingError(
            BookingErrorKind.SLOT_TAKEN, "That time was just taken by another booking."
        ) from exc


# PostgreSQL aborts one of two transactions that wait on each other's exclusion-constraint
# checks (deadlock) or cannot be serialised; the retry then sees the winner's commit and
# answers with a clear reason and the next free slots instead of an error page.
RETRYABLE_PG_CODES = {"40P01", "40001"}
BOOKING_ATTEMPTS = 3


def _retrying(work):
    """Run `work()` (one whole transaction) again when PostgreSQL chose it as a deadlock or
    serialisation victim. Inside an enclosing transaction there is nothing to retry."""
    for attempt in range(BOOKING_ATTEMPTS):
        try:
            return work()
        except OperationalError as exc:
            code = getattr(exc.__cause__, "pgcode", None)
            if (
                code not in RETRYABLE_PG_CODES
                or connection.in_atomic_block
                or attempt == BOOKING_ATTEMPTS - 1
            ):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _place(appointment: Appointment, slot: scheduling.Slot) -> None:
    appointment.start = to_aware(slot.start)
    appointment.end = to_aware(slot.end)
    appointment.provider_id = slot.provider_id
    appointment.room_id = slot.room_id
    appointment.device_id = slot.device_id


def _book_one(*, plan_session: PlanSession, slot: scheduling.Slot, by) -> Appointment:
    _check_slot(plan_session=plan_session, slot=slot)
    appointment = Appointment(plan_session=plan_session, booked_by=by)
    _place(appointment, slot)
    appointment.full_clean()
    _save_guarded(appointment)
    _log(appointment, AppointmentEvent.BOOKED, f"For {_describe(slot)}.", by)
    return appointment


def _log(appointment: Appointment, kind: str, detail: str, by) -> None:
    AppointmentEvent.objects.create(appointment=appointment, kind=kind, detail=detail, by=by)


def appointment_book(*, plan_session: PlanSession, slot: scheduling.Slot, by) -> Appointment:
    """Book one session in a given slot."""
    plan = plan_session.plan
    _require_bookable(plan)

    def work() -> Appointment:
        with transaction.atomic():
            # One booking of a plan at a time: a double click or two desks at once.
            Plan.objects.select_for_update().filter(pk=plan.pk).first()
            if plan_session.appointments.filter(status__in=HOLDS_SESSION).exists():
                raise BookingError(
                    BookingErrorKind.ALREADY_BOOKED,
                    f"Session {plan_session.number} is already booked.",
                )
            appointment = _book_one(plan_session=plan_session, slot=slot, by=by)
            _check_intervals(plan)
            return appointment

    try:
        return _retrying(work)
    except BookingError as exc:
        if not exc.kind.offers_alternatives:
            raise
        raise _conflict(plan_session, slot, exc) from exc


def _proposed_slots(plan: Plan, now: datetime) -> dict[int, scheduling.Slot]:
    proposal = course_proposal(plan=plan, now=now)
    missing = [p for p in proposal.sessions if p.slot is None]
    if missing:
        raise BookingError(
            BookingErrorKind.NO_FREE_SLOT, f"Session {missing[0].number}: {missing[0].problem}"
        )
    return {p.number: p.slot for p in proposal.sessions}


def appointment_book_course(
    *, plan: Plan, by, slots: dict[int, scheduling.Slot] | None = None, now: datetime | None = None
) -> list[Appointment]:
    """Book every unbooked session of the plan: in the given slots (session number -> slot),
    or as proposed. All or nothing: if one session cannot be booked, none is."""
    now = now or timezone.now()
    _require_bookable(plan)
    if slots is None:
        slots = _proposed_slots(plan, now)
    sessions = {s.number: s for s in plan.sessions.order_by("number")}
    state: dict = {"current": None}

    def work() -> list[Appointment]:
        booked = []
        with transaction.atomic():
            Plan.objects.select_for_update().filter(pk=plan.pk).first()
            taken = set(
                Appointment.objects.select_for_update()
                .filter(plan_session__plan=plan, status__in=HOLDS_SESSION)
                .values_list("plan_session__number", flat=True)
            )
            for number, session in sessions.items():
                if number in taken or number not in slots:
                    continue
                state["current"] = session
                session.plan = plan
                booked.append(_book_one(plan_session=session, slot=slots[number], by=by))
            _check_intervals(plan)
        return booked

    try:
        return _retrying(work)
    except BookingError as exc:
        current = state["current"]
        if current is None or not exc.kind.offers_alternatives:
            raise
        raise _conflict(current, slots[current.number], exc) from exc


def _check_intervals(plan: Plan) -> None:
    """Refuse a course whose booked sessions are closer than the minimum interval."""
    rules = rules_for(plan.treatment)
    days = [
        (n, to_local(start).date())
        for n, start in Appointment.objects.filter(
            plan_session__plan=plan, status__in=HOLDS_SESSION
        )
        .order_by("plan_session__number")
        .values_list("plan_session__number", "start")
    ]
    for (_, previous), (number, day) in pairwise(days):
        if (day - previous).days < rules.min_interval_days:
            raise ValidationError(
                f"Session {number} is only {(day - previous).days} days after the previous "
                f"one; the minimum for {plan.treatment.name} is {rules.min_interval_days} days.",
                code=TOO_CLOSE,
            )


# --- Moving and cancelling -----------------------------------------------------------------


class ChangeKind(StrEnum):
    """What a move or a cancellation means for a session of the course."""

    # The session asked for lands closer to the previous one than the minimum: refused.
    ASKED_TOO_CLOSE = "asked_too_close"
    # The session asked for lands later than its window allows: kept, for the desk to check.
    ASKED_TOO_LATE = "asked_too_late"
    # A later session broke the interval rules and moved to its first free slot.
    LATER_MOVED = "later_moved"
    # A later session breaks the interval rules and has no free slot in its window.
    LATER_STUCK = "later_stuck"
    # After a cancellation the later sessions stay as booked, unchecked.
    LATER_KEPT = "later_kept"


@dataclass(frozen=True)
class CourseChange:
    kind: ChangeKind
    number: int  # the session it is about
    text: str  # in words for the front desk


@dataclass
class Outcome:
    """What a reschedule or cancel did, for the front desk."""

    appointment: Appointment
    changes: list[CourseChange] = field(default_factory=list)

    @property
    def moved(self) -> list[str]:
        """Later sessions that moved as well, in words."""
        return [c.text for c in self.changes if c.kind is ChangeKind.LATER_MOVED]

    @property
    def attention(self) -> list[str]:
        """Problems left for the front desk, in words."""
        return [c.text for c in self.changes if c.kind is not ChangeKind.LATER_MOVED]


def _course_state(plan: Plan) -> list[tuple[Appointment, scheduling.BookedSession]]:
    out = []
    for a in (
        Appointment.objects.filter(plan_session__plan=plan, status__in=HOLDS_SESSION)
        .select_related("plan_session")
        .order_by("plan_session__number")
    ):
        booked = scheduling.BookedSession(
            a.plan_session.number, a.plan_session.duration_minutes, _slot_of(a)
        )
        out.append((a, booked))
    return out


def _slot_of(a: Appointment) -> scheduling.Slot:
    return scheduling.Slot(
        to_local(a.start), to_local(a.end), a.provider_id, a.room_id, a.device_id
    )


def _describe(slot: scheduling.Slot) -> str:
    return f"{slot.start:%a %b} {slot.start.day}, {clock(slot.start)}"


def _day_before(
    course: list[scheduling.BookedSession], moves: tuple[scheduling.Move, ...], number: int
) -> date | None:
    """The date of the session before `number` as the recheck saw it: where it moved to, if
    it moved, else where it is."""
    moved_to = {m.number: m.new for m in moves if m.new is not None}
    days = [
        (moved_to.get(b.number) or b.slot).start.date()
        for b in sorted(course, key=lambda b: b.number)
        if b.number < number and b.slot is not None
    ]
    return days[-1] if days else None


def _classify(
    move: scheduling.Move, *, asked: int, previous: date | None, rules: scheduling.CourseRules
) -> CourseChange:
    if move.number == asked:
        gap = (move.old.start.date() - previous).days if previous and move.old else None
        too_close = gap is not None and gap < rules.min_interval_days
        kind = ChangeKind.ASKED_TOO_CLOSE if too_close else ChangeKind.ASKED_TOO_LATE
        return CourseChange(kind, move.number, move.reason)
    if move.new is None:
        return CourseChange(ChangeKind.LATER_STUCK, move.number, move.reason)
    return CourseChange(
        ChangeKind.LATER_MOVED,
        move.number,
        f"Session {move.number} moved from {_describe(move.old)} to "
        f"{_describe(move.new)}. {move.reason}",
    )


def _recheck_course(
    plan: Plan, *, asked: int, now: datetime
) -> list[tuple[CourseChange, scheduling.Move, Appointment]]:
    """After session `asked` moved: each session of the course that now breaks the interval
    rules, what it means, the slot finder's move and its appointment."""
    treatment = plan.treatment
    rules = rules_for(treatment)
    state = _course_state(plan)
    course = [b for _, b in state]
    day_first = min(b.slot.start.date() for b in course)
    day_last = max(b.slot.start.date() for b in course) + timedelta(
        days=rules.max_gap_days * len(course) + 1
    )
    check = scheduling.recheck_course(
        clinic_snapshot(first_day=day_first, last_day=day_last),
        need=need_for(treatment),
        course=course,
        rules=rules,
        not_before=to_local(now),
        pinned=frozenset({asked}),
    )
    by_number = {b.number: a for a, b in state}
    previous = _day_before(course, check.moves, asked)
    return [
        (_classify(move, asked=asked, previous=previous, rules=rules), move, by_number[move.number])
        for move in check.moves
    ]


def _move_asked(appointment: Appointment, slot: scheduling.Slot, *, reason: str, by) -> None:
    old = _slot_of(appointment)
    _place(appointment, slot)
    appointment.status_reason = reason
    appointment.reminder_sent_at = None
    appointment.full_clean()
    _save_guarded(appointment)
    _log(
        appointment,
        AppointmentEvent.MOVED,
        f"From {_describe(old)} to {_describe(slot)}: {reason}",
        by,
    )


def _move_later(later: Appointment, move: scheduling.Move, *, asked: int, reason: str, by):
    _log(
        later,
        AppointmentEvent.MOVED,
        f"From {_describe(move.old)} to {_describe(move.new)}, with session {asked}: {move.reason}",
        by,
    )
    _place(later, move.new)
    later.status_reason = f"Moved with session {asked}: {reason}"
    later.reminder_sent_at = None
    _save_guarded(later)


def appointment_reschedule(
    *, appointment: Appointment, slot: scheduling.Slot, reason: str, by, now: datetime | None = None
) -> Outcome:
    """Move a booked session to another slot; later sessions that now break the interval
    rules move to their first free slot (or are flagged when none is free)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the session moves."})
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError("Only a booked session can be moved.")
    plan = appointment.plan_session.plan
    asked = appointment.plan_session.number
    outcome = Outcome(appointment)

    def work() -> None:
        outcome.changes.clear()
        with transaction.atomic():
            Appointment.objects.select_for_update().filter(pk=appointment.pk).first()
            appointment.refresh_from_db()
            _check_slot(plan_session=appointment.plan_session, slot=slot, exclude=(appointment.pk,))
            _move_asked(appointment, slot, reason=reason, by=by)
            for change, move, later in _recheck_course(plan, asked=asked, now=now):
                if change.kind is ChangeKind.ASKED_TOO_CLOSE:
                    raise ValidationError(change.text, code=TOO_CLOSE)
                if change.kind is ChangeKind.LATER_MOVED:
                    _move_later(later, move, asked=asked, reason=reason, by=by)
                outcome.changes.append(change)

    try:
        _retrying(work)
    except (BookingError, ValidationError) as exc:
        # The refused time was set on the instance before the rollback: the caller shows the
        # appointment, and must see where it really is.
        appointment.refresh_from_db()
        if not isinstance(exc, BookingError) or not exc.kind.offers_alternatives:
            raise
        raise _conflict(appointment.plan_session, slot, exc) from exc
    return outcome


def appointment_cancel(
    *, appointment: Appointment, reason: str, by, now: datetime | None = None
) -> Outcome:
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the session is cancelled."})
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError("Only a booked session can be cancelled.")
    with transaction.atomic():
        appointment.status = AppointmentStatus.CANCELLED
        appointment.status_reason = reason
        appointment.save(update_fields=["status", "status_reason", "updated_at"])
        _log(appointment, AppointmentEvent.CANCELLED, reason, by)
    outcome = Outcome(appointment)
    number = appointment.plan_session.number
    later = [b.number for a, b in _course_state(appointment.plan_session.plan) if b.number > number]
    if later:
        outcome.changes.append(
            CourseChange(
                ChangeKind.LATER_KEPT,
                number,
                f"Session {number} is free to book again; sessions "
                f"{', '.join(map(str, later))} stay as booked — check they still suit the "
                "patient.",
            )
        )
    return outcome


# --- Session records and progress ----------------------------------------------------------


@dataclass(frozen=True)
class AreaRecord:
    area: BodyArea
    vials: int | None = None
    lot_numbers: str = ""
    volume_ml: Decimal | None = None
    cycles: int | None = None
    applicators: int | None = None
    pinch_mm: Decimal | None = None
    notes: str = ""
    planned_map: dict | None = None  # the plan's map of the area, kept beside what was done
    sites_injected: int | None = None
    placements_done: list | None = None


def session_record(
    *,
    appointment: Appointment,
    status: str,
    by,
    intake_reconfirmed: bool,
    intake_changes: str = "",
    side_effects: str = "",
    notes: str = "",
    weight_kg: Decimal | None = None,
    areas: list[AreaRecord] = (),
    photos: list[NewPhoto] = (),
    now: datetime | None = None,
) -> Appointment:
    """Record what happened: done (with what was done per area), no-show or cancelled, with
    its before/after photos — all of it or, on any refusal, none. The plan moves to in
    progress / completed by itself."""
    now = now or timezone.now()
    _check_record(
        appointment, status=status, intake_reconfirmed=intake_reconfirmed, notes=notes, now=now
    )
    saved: list[ProgressPhoto] = []
    try:
        with transaction.atomic():
            _write_record(
                appointment,
                status=status,
                by=by,
                fields={
                    "intake_reconfirmed": intake_reconfirmed,
                    "intake_changes": intake_changes,
                    "side_effects": side_effects,
                    "notes": notes,
                    "weight_kg": weight_kg,
                },
                areas=areas,
                now=now,
            )
            _save_photos(appointment, list(photos), by, saved)
            plan_sync_status(plan=appointment.plan_session.plan, by=by)
    except Exception:
        for photo in saved:
            photo.image.delete(save=False)
        appointment.refresh_from_db()
        raise
    return appointment


def _write_record(
    appointment: Appointment, *, status: str, by, fields: dict, areas, now: datetime
) -> None:
    """The record's own fields, its treated areas and the history line."""
    corrected = appointment.recorded_at is not None
    appointment.status = status
    for name, value in fields.items():
        setattr(appointment, name, value)
    appointment.recorded_by = by
    appointment.recorded_at = now
    if status == AppointmentStatus.CANCELLED:
        appointment.status_reason = fields["notes"]
    appointment.full_clean()
    appointment.save()
    appointment.treated_areas.all().delete()
    if status == AppointmentStatus.DONE:
        _save_treated_areas(appointment, areas)
    _log(
        appointment,
        AppointmentEvent.RECORDED,
        ("Record corrected: " if corrected else "Recorded as ")
        + appointment.get_status_display().lower()
        + ".",
        by,
    )


RECORDABLE = (AppointmentStatus.DONE, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED)


def _check_record(
    appointment: Appointment, *, status: str, intake_reconfirmed: bool, notes: str, now: datetime
) -> None:
    """ValidationError unless the record can be saved as it stands."""
    if status not in RECORDABLE:
        raise ValidationError({"status": "Choose done, no-show or cancelled."})
    if appointment.status == AppointmentStatus.CANCELLED:
        raise ValidationError("This session was cancelled; book it again first.")
    if status == AppointmentStatus.DONE:
        _check_done(appointment, intake_reconfirmed=intake_reconfirmed, now=now)
    if status == AppointmentStatus.CANCELLED and not notes.strip():
        raise ValidationError({"notes": "Say why the session was cancelled."})


def _check_done(appointment: Appointment, *, intake_reconfirmed: bool, now: datetime) -> None:
    if appointment.start > now:
        raise ValidationError("A session cannot be recorded as done before it starts.")
    if not intake_reconfirmed:
        raise ValidationError(
            {"intake_reconfirmed": "Ask the patient whether anything changed since the intake."}
        )
    if (
        appointment.status != AppointmentStatus.DONE
        and appointment.plan_session.appointments.filter(status__in=HOLDS_SESSION)
        .exclude(pk=appointment.pk)
        .exists()
    ):
        raise ValidationError(
            "This session has been booked again since; record the new appointment instead."
        )


def _save_treated_areas(appointment: Appointment, areas: list[AreaRecord]) -> None:
    for record in areas:
        row = TreatedArea(
            appointment=appointment,
            area=record.area,
            vials=record.vials,
            lot_numbers=record.lot_numbers.strip(),
            volume_ml=record.volume_ml,
            cycles=record.cycles,
            applicators=record.applicators,
            pinch_mm=record.pinch_mm,
            notes=record.notes,
            planned_map=record.planned_map or {},
            sites_injected=record.sites_injected,
            placements_done=record.placements_done or [],
        )
        row.full_clean()
        row.save()


PHOTO_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}


def photo_max_bytes() -> int:
    return getattr(settings, "PROGRESS_PHOTO_MAX_BYTES", 10 * 1024 * 1024)


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    extension: str
    content_type: str
    width: int
    height: int


def clean_photo(upload: UploadedFile) -> CleanPhoto:
    """A real JPEG/PNG/WebP image, decoded by Pillow (the file's name and declared type are
    ignored), turned upright and re-encoded without its metadata — a phone photo's EXIF can
    hold where it was taken. ValidationError for anything else, or too big."""
    from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

    # Strict decoding, whatever another library set for the process (WeasyPrint turns on
    # truncated loading): a cut-off upload is refused, not stored half grey.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    limit = photo_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            f"The photo is {upload.size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB."
        )
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(BytesIO(data)) as image:
            # A phone's multi-picture JPEG (MPO) is a JPEG with extra frames: keep the first.
            kind = "JPEG" if image.format == "MPO" else image.format
            image.verify()
        if kind not in PHOTO_FORMATS:
            raise ValidationError("Use a JPEG, PNG or WebP photo.")
        with Image.open(BytesIO(data)) as image:
            if image.width * image.height > 60_000_000:
                raise ValidationError("The photo is too large in pixels.")
            image.load()  # decodes every pixel now: a truncated file fails here
            upright = ImageOps.exif_transpose(image)
            if kind == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = BytesIO()
            # No exif=, no pnginfo=: the copy carries pixels only.
            upright.save(out, format=kind, **({"quality": 90} if kind != "PNG" else {}))
            width, height = upright.size
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "That file is not a photo we can read (use JPEG, PNG or WebP)."
        ) from exc
    extension, content_type = PHOTO_FORMATS[kind]
    return CleanPhoto(out.getvalue(), extension, content_type, width, height)


@dataclass(frozen=True)
class NewPhoto:
    """A photo to keep with a session record, already decoded and stripped by clean_photo."""

    kind: str  # ProgressPhoto.BEFORE | AFTER
    photo: CleanPhoto
    area: BodyArea | None = None


def _save_photos(
    appointment: Appointment, photos: list[NewPhoto], by, saved: list[ProgressPhoto]
) -> None:
    """Inside the record's transaction. Each file written is added to `saved` at once: if
    anything after fails the caller deletes them (a rollback does not remove files)."""
    for new in photos:
        if new.kind not in (ProgressPhoto.BEFORE, ProgressPhoto.AFTER):
            raise ValidationError({f"{new.kind}_photo": "Choose before or after."})
        photo = ProgressPhoto(
            appointment=appointment,
            area=new.area,
            kind=new.kind,
            extension=new.photo.extension,
            content_type=new.photo.content_type,
            width=new.photo.width,
            height=new.photo.height,
            uploaded_by=by,
        )
        photo.image.save("upload", ContentFile(new.photo.data), save=False)
        saved.append(photo)
        photo.save()


def photo_add(
    *, appointment: Appointment, upload: UploadedFile, kind: str, area: BodyArea | None, by
) -> ProgressPhoto:
    """One photo on its own, outside a record (the record page saves its photos with the
    record through session_record)."""
    new = NewPhoto(kind, clean_photo(upload), area)
    saved: list[ProgressPhoto] = []
    try:
        with transaction.atomic():
            _save_photos(appointment, [new], by, saved)
    except Exception:
        for photo in saved:
            photo.image.delete(save=False)
        raise
    return saved[0]


# --- Emails --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailRun:
    reminders: int
    aftercare: int
    failed: int


def _claim(pk: int, field_name: str, now: datetime) -> bool:
    """Mark the appointment as emailed unless another run already did; True if we won."""
    return bool(
        Appointment.objects.filter(pk=pk, **{f"{field_name}__isnull": True}).update(
            **{field_name: now}
        )
    )


def _send(appointment: Appointment, kind: str, context: dict) -> None:
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    subject = render_to_string(f"appointments/email/{kind}_subject.txt", context)
    body = render_to_string(f"appointments/email/{kind}.txt", context)
    send_mail(
        " ".join(subject.split()),
        body,
        context["contact"].from_email,
        [appointment.plan_session.plan.patient.email],
    )


def _email_context(appointment: Appointment) -> dict:
    plan = appointment.plan_session.plan
    provider = appointment.provider
    return {
        "patient": plan.patient,
        "treatment": plan.treatment.name.split(" (")[0],
        "number": appointment.plan_session.number,
        "total": plan.sessions.count(),
        "start": timezone.localtime(appointment.start),
        "end": timezone.localtime(appointment.end),
        "provider": provider.get_full_name() or "",
        "clinic_name": settings.CLINIC_NAME,
        "contact": clinic_contact(),
        "aftercare": plan.treatment.aftercare,
    }


def send_session_emails(*, now: datetime | None = None) -> EmailRun:
    """Reminders for booked sessions starting within SESSION_REMINDER_HOURS; aftercare for
    sessions recorded done in the last SESSION_AFTERCARE_DAYS. Patients without an email are
    skipped (and marked, so they are not looked at again)."""
    now = now or timezone.now()
    hours = getattr(settings, "SESSION_REMINDER_HOURS", 24)
    aftercare_days = getattr(settings, "SESSION_AFTERCARE_DAYS", 2)
    base = Appointment.objects.select_related(
        "plan_session__plan__patient", "plan_session__plan__treatment", "provider"
    )
    reminders = aftercare = failed = 0
    due = base.filter(
        status=AppointmentStatus.BOOKED,
        reminder_sent_at__isnull=True,
        start__gt=now,
        start__lte=now + timedelta(hours=hours),
    )
    for appointment in due:
        if not _claim(appointment.pk, "reminder_sent_at", now):
            continue
        if not appointment.plan_session.plan.patient.email:
            continue
        try:
            _send(appointment, "reminder", _email_context(appointment))
            reminders += 1
        except Exception:
            Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=None)
            failed += 1
    done = base.filter(
        status=AppointmentStatus.DONE,
        aftercare_sent_at__isnull=True,
        end__lte=now,
        end__gte=now - timedelta(days=aftercare_days),
    )
    for appointment in done:
        if not _claim(appointment.pk, "aftercare_sent_at", now):
            continue
        if not appointment.plan_session.plan.patient.email:
            continue
        context = _email_context(appointment)
        following = (
            Appointment.objects.filter(
                plan_session__plan=appointment.plan_session.plan,
                status=AppointmentStatus.BOOKED,
                start__gt=now,
            )
            .order_by("start")
            .values_list("start", flat=True)
            .first()
        )
        context["next_start"] = timezone.localtime(following) if following else None
        try:
            _send(appointment, "aftercare", context)
            aftercare += 1
        except Exception:
            Appointment.objects.filter(pk=appointment.pk).update(aftercare_sent_at=None)
            failed += 1
    return EmailRun(reminders, aftercare, failed)
