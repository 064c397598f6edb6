"""Sessions over JSON: the calendar, a plan's course proposal and booking it.

GET  /api/v1/appointments?start=YYYY-MM-DD&end=YYYY-MM-DD[&provider=|room=|device=]
GET  /api/v1/plans/{id}/proposal
POST /api/v1/plans/{id}/book        {} books the proposal; {"sessions": [...]} given slots
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from clinic.apikit import bad_request, require_perm
from treatments.appointments import selectors as sel
from treatments.appointments import services as svc
from treatments.appointments.models import Appointment
from treatments.engine import slots as scheduling

router = Router(tags=["sessions"])

MAX_RANGE_DAYS = 62


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


class AppointmentOut(Schema):
    id: int
    plan: int
    session: int
    patient: Ref
    treatment: str
    start: datetime
    end: datetime
    provider: Ref
    room: Ref | None
    device: Ref | None
    status: str


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
    start: date
    end: date
    provider: int | None = None
    room: int | None = None
    device: int | None = None


class SlotIn(StrictSchema):
    number: int = Field(..., ge=1, le=50)
    start: datetime = Field(..., description="ISO 8601; without an offset, the clinic's time.")
    provider: int
    room: int | None = None
    device: int | None = None


class BookIn(StrictSchema):
    sessions: list[SlotIn] | None = Field(
        None, description="Leave out to book every unbooked session as proposed."
    )


class ConflictOut(Schema):
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


@router.get("/appointments", response=list[AppointmentOut], summary="Sessions in a date range")
def appointments(request: HttpRequest, q: Query[CalendarQuery]):
    require_perm(request, sel.VIEW)
    if q.end < q.start:
        raise bad_request({"end": ["The end date is before the start date."]})
    if (q.end - q.start).days > MAX_RANGE_DAYS:
        raise bad_request({"end": [f"Ask for at most {MAX_RANGE_DAYS} days at a time."]})
    chosen = [
        (k, v) for k, v in (("provider", q.provider), ("room", q.room), ("device", q.device)) if v
    ]
    if len(chosen) > 1:
        raise bad_request({"provider": ["Filter by one of provider, room or device."]})
    start, end = sel.day_bounds(q.start, q.end)
    rows = sel.appointments_between(start=start, end=end, resource=chosen[0] if chosen else None)
    return [appointment_out(a) for a in rows]


@router.get("/plans/{plan_id}/proposal", response=ProposalOut, summary="A slot for every session")
def proposal(request: HttpRequest, plan_id: int):
    require_perm(request, sel.BOOK)
    plan = sel.course_get_for_user(user=request.user, pk=plan_id)
    problem = svc.plan_booking_problem(plan)
    if problem:
        raise bad_request({"plan": [problem]})
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
    response={201: list[AppointmentOut], 409: ConflictOut},
    summary="Book the course (all or nothing)",
)
def book(request: HttpRequest, plan_id: int, payload: BookIn):
    require_perm(request, sel.BOOK)
    plan = sel.course_get_for_user(user=request.user, pk=plan_id)
    slots = None
    if payload.sessions is not None:
        durations = dict(plan.sessions.values_list("number", "duration_minutes"))
        slots = {}
        for i, s in enumerate(payload.sessions):
            if s.number not in durations:
                raise bad_request({f"sessions.{i}.number": ["The plan has no such session."]})
            start = sel.to_local(s.start) if timezone.is_aware(s.start) else s.start
            start = start.replace(second=0, microsecond=0)
            slots[s.number] = scheduling.Slot(
                start, start + timedelta(minutes=durations[s.number]), s.provider, s.room, s.device
            )
    try:
        created = svc.appointment_book_course(plan=plan, by=request.user, slots=slots)
    except svc.BookingError as exc:
        return Status(
            409,
            ConflictOut(
                errors={"sessions": [exc.message]},
                alternatives=[slot_out(a) for a in exc.alternatives],
            ),
        )
    except ValidationError as exc:
        raise bad_request({"plan": exc.messages}) from exc
    rows = sel.appointments_with_details(pks=[a.pk for a in created])
    return Status(201, [appointment_out(a) for a in rows])
