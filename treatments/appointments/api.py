"""Sessions over JSON: the calendar, a plan's course proposal and booking it.

GET  /api/v1/appointments?start=YYYY-MM-DD&end=YYYY-MM-DD[&provider=|room=|device=]
     [&limit=&cursor=]   a page of the sessions, in time order
GET  /api/v1/plans/{id}/proposal
POST /api/v1/plans/{id}/book        {} books the proposal; {"sessions": [...]} given slots
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from clinic.apikit import (
    MAX_ID,
    CalendarDate,
    LocalDateTime,
    bad_request,
    cursor_field,
    decode_cursor,
    encode_cursor,
    limit_field,
    optional,
    perm_auth,
    responses,
    whole,
    whole_or_null,
)
from treatments.appointments import selectors as sel
from treatments.appointments import services as svc
from treatments.appointments.models import Appointment
from treatments.engine import slots as scheduling

router = Router(tags=["sessions"])

MAX_RANGE_DAYS = 62


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


PlanId = Annotated[int, Path(..., ge=1, le=MAX_ID, description="The plan's id.")]
ResourceId = Annotated[int, Field(ge=1, le=MAX_ID)]


class Ref(Schema):
    id: int
    name: str


class AppointmentOut(Schema):
    id: int
    plan: int
    session: int = Field(..., description="The session's number in the plan's course.")
    patient: Ref
    treatment: str
    start: datetime
    end: datetime
    provider: Ref
    room: Ref | None
    device: Ref | None
    status: Literal["booked", "done", "no_show", "cancelled"]


class AppointmentPage(Schema):
    items: list[AppointmentOut]
    next_cursor: str | None = Field(
        ..., description="Pass as `cursor` for the next page; null on the last page."
    )


class SlotOut(Schema):
    start: datetime
    end: datetime
    provider: int
    room: int | None
    device: int | None


class ProposedOut(Schema):
    number: int
    earliest: date
    latest: date
    slot: SlotOut | None
    problem: str


class ProposalOut(Schema):
    plan: int
    complete: bool
    sessions: list[ProposedOut]


class CalendarQuery(StrictSchema):
    start: CalendarDate = Field(..., description="First day, YYYY-MM-DD.")
    end: CalendarDate = Field(
        ...,
        description=f"Last day, YYYY-MM-DD: on or after `start`, at most {MAX_RANGE_DAYS} days on.",
    )
    provider: ResourceId = optional(description="Only this provider's sessions.")
    room: ResourceId = optional(description="Only this room's sessions.")
    device: ResourceId = optional(description="Only this device's sessions.")
    limit: int = limit_field()
    cursor: str = cursor_field()


SessionNumber = whole(ge=1, le=50, description="The session's number in the course.")
ProviderId = whole(ge=1, le=MAX_ID, description="The provider's (staff user's) id.")
RoomId = whole_or_null(ge=1, le=MAX_ID, description="The room's id, when the session needs one.")
DeviceId = whole_or_null(ge=1, le=MAX_ID, description="The device's id, when it needs one.")


class BookingSlot(StrictSchema):
    number: SessionNumber
    start: LocalDateTime
    provider: ProviderId
    room: RoomId
    device: DeviceId


class BookingRequest(StrictSchema):
    sessions: list[BookingSlot] = optional(
        min_length=1,
        max_length=50,
        description=(
            "The slot for each session to book, each session once. Leave out to book every "
            "unbooked session as proposed."
        ),
    )


class ConflictOut(Schema):
    """The booking cannot be made as asked: a slot was taken (with the next free slots for
    the same session), the plan cannot be booked now, or every session is already booked."""

    errors: dict[str, list[str]]
    alternatives: list[SlotOut]


def _ref(obj, name: str) -> Ref | None:
    return Ref(id=obj.pk, name=name) if obj is not None else None


def appointment_out(a: Appointment) -> AppointmentOut:
    plan = a.plan_session.plan
    return AppointmentOut(
        id=a.pk,
        plan=plan.pk,
        session=a.plan_session.number,
        patient=Ref(id=plan.patient_id, name=plan.patient.full_name),
        treatment=plan.treatment.code,
        start=timezone.localtime(a.start),
        end=timezone.localtime(a.end),
        provider=Ref(id=a.provider_id, name=a.provider.get_full_name() or a.provider.username),
        room=_ref(a.room, a.room.name if a.room else ""),
        device=_ref(a.device, a.device.name if a.device else ""),
        status=a.status,
    )


def slot_out(slot: scheduling.Slot) -> SlotOut:
    return SlotOut(
        start=sel.to_aware(slot.start),
        end=sel.to_aware(slot.end),
        provider=slot.provider_id,
        room=slot.room_id,
        device=slot.device_id,
    )


# The cursor packs the last item's start (minutes since 1900) and id into one number.
_EPOCH = datetime(1900, 1, 1, tzinfo=UTC)
_ID_BITS = 34


def _calendar_cursor(a: Appointment) -> str:
    minutes = int((a.start - _EPOCH).total_seconds() // 60)
    return encode_cursor((minutes << _ID_BITS) | a.pk)


def _calendar_after(cursor: str) -> tuple[datetime, int]:
    key = decode_cursor(cursor)
    return _EPOCH + timedelta(minutes=key >> _ID_BITS), key & ((1 << _ID_BITS) - 1)


@router.get(
    "/appointments",
    auth=perm_auth(sel.VIEW),
    response=responses(200, AppointmentPage, found=False),
    summary="Sessions in a date range",
    description=(
        f"Active sessions overlapping the days `start`-`end` (at most {MAX_RANGE_DAYS} days), "
        "in time order, a page at a time; optionally only those of a provider, a room and/or a "
        "device (all given must match)."
    ),
)
def list_appointments(request: HttpRequest, q: Query[CalendarQuery]):
    if q.end < q.start:
        raise bad_request({"end": ["The end date is before the start date."]})
    if (q.end - q.start).days > MAX_RANGE_DAYS:
        raise bad_request({"end": [f"Ask for at most {MAX_RANGE_DAYS} days at a time."]})
    chosen = {
        k: v for k, v in (("provider", q.provider), ("room", q.room), ("device", q.device)) if v
    }
    start, end = sel.day_bounds(q.start, q.end)
    rows = sel.appointments_page(
        start=start,
        end=end,
        resources=chosen,
        after=_calendar_after(q.cursor) if q.cursor else None,
        limit=q.limit + 1,
    )
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    return {
        "items": [appointment_out(a) for a in rows],
        "next_cursor": _calendar_cursor(rows[-1]) if more else None,
    }


@router.get(
    "/plans/{plan_id}/proposal",
    auth=perm_auth(sel.BOOK),
    response=responses(200, ProposalOut, s409=ConflictOut),
    summary="A slot for every session",
    description="409 when the plan cannot be booked (not accepted, or not signed).",
)
def get_proposal(request: HttpRequest, plan_id: PlanId):
    plan = sel.course_get_for_user(user=request.user, pk=plan_id)
    problem = svc.plan_booking_problem(plan)
    if problem:
        return Status(409, ConflictOut(errors={"plan": [problem]}, alternatives=[]))
    result = svc.course_proposal(plan=plan, now=timezone.now())
    return ProposalOut(
        plan=plan.pk,
        complete=result.complete,
        sessions=[
            ProposedOut(
                number=p.number,
                earliest=p.earliest,
                latest=p.latest,
                slot=slot_out(p.slot) if p.slot else None,
                problem=p.problem,
            )
            for p in result.sessions
        ],
    )


@router.post(
    "/plans/{plan_id}/book",
    auth=perm_auth(sel.BOOK),
    response=responses(201, list[AppointmentOut], s409=ConflictOut),
    summary="Book the course (all or nothing)",
    description=(
        "Books every unbooked session: in the given slots, or as proposed. 409 when a slot is "
        "taken (with the next free slots), when the plan cannot be booked, or when there is "
        "nothing left to book — as for the loser of two bookings of the same course at once."
    ),
)
def book_course(request: HttpRequest, plan_id: PlanId, payload: BookingRequest):
    plan = sel.course_get_for_user(user=request.user, pk=plan_id)
    slots = None
    if payload.sessions is not None:
        slots = _requested_slots(plan, payload.sessions)
    try:
        created = svc.appointment_book_course(plan=plan, by=request.user, slots=slots)
    except svc.BookingError as exc:
        return _conflict({"sessions": [exc.message]}, exc.alternatives)
    except ValidationError as exc:
        return _conflict({"plan": exc.messages})
    if not created:
        return _conflict({"sessions": ["Every session of this plan is already booked."]})
    rows = sel.appointments_with_details(pks=[a.pk for a in created])
    return Status(201, [appointment_out(a) for a in rows])


def _conflict(errors: dict[str, list[str]], alternatives=()) -> Status:
    return Status(409, ConflictOut(errors=errors, alternatives=[slot_out(a) for a in alternatives]))


def _requested_slots(plan, sessions: list[BookingSlot]) -> dict[int, scheduling.Slot]:
    durations = dict(plan.sessions.values_list("number", "duration_minutes"))
    slots: dict[int, scheduling.Slot] = {}
    for i, s in enumerate(sessions):
        if s.number not in durations:
            raise bad_request({f"sessions.{i}.number": ["The plan has no such session."]})
        if s.number in slots:
            raise bad_request({f"sessions.{i}.number": ["This session is listed twice."]})
        start = sel.to_local(s.start) if timezone.is_aware(s.start) else s.start
        start = start.replace(second=0, microsecond=0)
        slots[s.number] = scheduling.Slot(
            start, start + timedelta(minutes=durations[s.number]), s.provider, s.room, s.device
        )
    return slots
