"""Staff pages for sessions: book a course, move or cancel a session, calendars, session
records, progress and photos; the providers' iCal feeds. Function views: parse, call one
service, render or redirect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from clinic.permissions import staff_permission_required
from treatments.appointments import charts
from treatments.appointments import selectors as sel
from treatments.appointments import services as svc
from treatments.appointments.forms import (
    DateForm,
    PhotoForm,
    ReasonForm,
    RescheduleForm,
    SessionRecordForm,
    SlotField,
    slot_choices,
)
from treatments.appointments.ical import calendar_bytes
from treatments.appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    OpeningHours,
)
from treatments.catalog.models import BodyArea
from treatments.engine import slots as scheduling
from treatments.plans.models import PlanSession

OPTIONS_PER_SESSION = 8


def _names() -> dict[tuple[str, int], str]:
    resources = sel.calendar_resources()
    return {(kind, pk): name for kind, items in resources.items() for pk, name in items}


def _slot_groups(form) -> list[tuple[str, list]]:
    """The slot radios grouped by day ("Tue Nov 24"), for a calmer list."""
    groups: dict[str, list] = {}
    for radio in form["slot"]:
        groups.setdefault(str(radio.choice_label).split(",")[0], []).append(radio)
    return list(groups.items())


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Booking -------------------------------------------------------------------------------


@staff_permission_required(sel.BOOK)
def plans_to_book(request):
    return render(request, "appointments/to_book.html", {"plans": sel.plans_to_book()})


@staff_permission_required(sel.VIEW)
def plan_sessions(request, pk: int):
    plan = sel.plan_get_for_user(user=request.user, pk=pk)
    rows = sel.plan_course(plan=plan)
    can_photos = request.user.has_perm(sel.VIEW_PHOTOS)
    progress = sel.plan_progress(plan=plan, with_photos=can_photos)
    return render(
        request,
        "appointments/plan.html",
        {
            "plan": plan,
            "rows": rows,
            "unbooked": [r for r in rows if r.appointment is None],
            "booking_problem": svc.plan_booking_problem(plan),
            "can_book": request.user.has_perm(sel.BOOK),
            "can_record": request.user.has_perm(sel.RECORD),
            "chart": _chart(progress),
            "progress": progress,
            "can_photos": can_photos,
        },
    )


def _chart(progress: sel.Progress) -> str:
    series = {
        name: [charts.ChartPoint(p.label, p.value) for p in points]
        for name, points in progress.series.items()
    }
    return mark_safe(charts.progress_svg(series))  # noqa: S308 - every label is escaped


@dataclass
class ProposalRow:
    session: PlanSession
    proposed: scheduling.ProposedSession | None
    field: object  # a bound SlotField
    booked: Appointment | None


def _alternatives(clinic, plan, session, proposed, now) -> list[scheduling.Slot]:
    """The proposed slot first, then the first free slot of each other day in the window."""
    options = scheduling.free_slots(
        clinic,
        need=sel.need_for(plan.treatment),
        duration_minutes=session.duration_minutes,
        first_day=proposed.earliest,
        last_day=proposed.latest,
        not_before=sel.to_local(now),
        limit=OPTIONS_PER_SESSION * 6,
    )
    picked = [proposed.slot] if proposed.slot else []
    seen_days = {proposed.slot.start.date()} if proposed.slot else set()
    for option in options:
        if option.start.date() not in seen_days and len(picked) < OPTIONS_PER_SESSION:
            picked.append(option)
            seen_days.add(option.start.date())
    return picked


@staff_permission_required(sel.BOOK)
def plan_book(request, pk: int):
    """The course proposal: one click books every session as proposed; each session's
    select offers the other free slots in its window."""
    plan = sel.plan_get_for_user(user=request.user, pk=pk)
    problem = svc.plan_booking_problem(plan)
    if problem:
        messages.error(request, problem)
        return redirect("appointments:plan-sessions", pk=plan.pk)
    now = timezone.now()
    proposal = svc.course_proposal(plan=plan, now=now)
    by_number = {p.number: p for p in proposal.sessions}
    booked = {r.session.number: r.appointment for r in sel.plan_course(plan=plan) if r.appointment}
    names = _names()
    clinic = None
    rows: list[ProposalRow] = []
    form = forms.Form(request.POST or None)
    for session in plan.sessions.order_by("number"):
        proposed = by_number.get(session.number)
        if session.number in booked:
            rows.append(ProposalRow(session, proposed, None, booked[session.number]))
            continue
        choices = []
        if proposed is not None:
            if clinic is None:
                last = max(p.latest for p in proposal.sessions)
                clinic = sel.clinic_snapshot(first_day=proposal.sessions[0].earliest, last_day=last)
            choices = slot_choices(_alternatives(clinic, plan, session, proposed, now), names)
        field_name = f"slot_{session.number}"
        form.fields[field_name] = SlotField(label=f"Session {session.number}", choices=choices)
        if proposed and proposed.slot:
            form.fields[field_name].initial = choices[0][0]
        rows.append(ProposalRow(session, proposed, form[field_name], None))
    if request.method == "POST" and form.is_valid():
        slots = {
            int(name.split("_", 1)[1]): value
            for name, value in form.cleaned_data.items()
            if name.startswith("slot_") and value is not None
        }
        try:
            created = svc.appointment_book_course(plan=plan, by=request.user, slots=slots, now=now)
        except svc.BookingError as exc:
            messages.error(request, exc.message)
            return render(
                request,
                "appointments/book.html",
                {
                    "plan": plan,
                    "rows": rows,
                    "form": form,
                    "conflict": exc,
                    "names": names,
                    "alternatives": slot_choices(exc.alternatives, names),
                },
                status=409,
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                f"Booked {len(created)} session{'s' if len(created) != 1 else ''} for "
                f"{plan.patient.full_name}.",
            )
            return redirect("appointments:plan-sessions", pk=plan.pk)
    return render(
        request,
        "appointments/book.html",
        {"plan": plan, "rows": rows, "form": form, "complete": proposal.complete},
    )


# --- One appointment -----------------------------------------------------------------------


@staff_permission_required(sel.VIEW)
def appointment_detail(request, pk: int):
    appointment = sel.appointment_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "appointments/appointment.html",
        {
            "a": appointment,
            "plan": appointment.plan_session.plan,
            "treated": appointment.treated_areas.select_related("area"),
            "photos": appointment.photos.select_related("area")
            if request.user.has_perm(sel.VIEW_PHOTOS)
            else [],
            "can_book": request.user.has_perm(sel.BOOK),
            "can_record": request.user.has_perm(sel.RECORD),
            "cancel_form": ReasonForm(),
            "events": appointment.events.select_related("by"),
        },
    )


@staff_permission_required(sel.BOOK)
def appointment_reschedule(request, pk: int):
    appointment = sel.appointment_get_for_user(user=request.user, pk=pk)
    if appointment.status != AppointmentStatus.BOOKED:
        messages.error(request, "Only a booked session can be moved.")
        return redirect("appointments:appointment-detail", pk=pk)
    date_form = DateForm(request.GET or None)
    day = (
        date_form.cleaned_data["day"]
        if date_form.is_valid()
        else max(timezone.localdate(), sel.to_local(appointment.start).date())
    )
    if not date_form.is_bound:
        date_form = DateForm(initial={"day": day})
    start = max(datetime.combine(day, time()), sel.to_local(timezone.now()))
    slots = svc.next_free_slots(
        plan_session=appointment.plan_session, after=start, limit=24, days=14, exclude=(pk,)
    )
    names = _names()
    form = RescheduleForm(request.POST or None, slots=slots, names=names)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            outcome = svc.appointment_reschedule(
                appointment=appointment,
                slot=form.cleaned_data["slot"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except svc.BookingError as exc:
            messages.error(request, exc.message)
            form = RescheduleForm(slots=exc.alternatives, names=names)
            status = 409
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            status = 400
        else:
            messages.success(
                request,
                f"Session {appointment.plan_session.number} moved to "
                f"{sel.to_local(outcome.appointment.start):%a %b %d, %H:%M}.",
            )
            for line in outcome.moved:
                messages.warning(request, line)
            for line in outcome.attention:
                messages.error(request, line)
            return redirect("appointments:plan-sessions", pk=appointment.plan_session.plan_id)
    return render(
        request,
        "appointments/reschedule.html",
        {"a": appointment, "form": form, "date_form": date_form, "groups": _slot_groups(form)},
        status=status,
    )


@require_POST
@staff_permission_required(sel.BOOK)
def appointment_cancel(request, pk: int):
    appointment = sel.appointment_get_for_user(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the session is cancelled.")
        return redirect("appointments:appointment-detail", pk=pk)
    try:
        outcome = svc.appointment_cancel(
            appointment=appointment, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("appointments:appointment-detail", pk=pk)
    messages.success(request, f"Session {appointment.plan_session.number} cancelled.")
    for line in outcome.attention:
        messages.warning(request, line)
    return redirect("appointments:plan-sessions", pk=appointment.plan_session.plan_id)


@staff_permission_required(sel.BOOK)
def session_book(request, pk: int):
    """Book one session of a plan (session by session, or again after a cancellation)."""
    session = get_object_or_404(
        PlanSession.objects.select_related("plan__patient", "plan__treatment"), pk=pk
    )
    plan = sel.plan_get_for_user(user=request.user, pk=session.plan_id)
    date_form = DateForm(request.GET or None)
    day = (
        date_form.cleaned_data["day"]
        if date_form.is_valid()
        else max(timezone.localdate(), plan.start_date)
    )
    if not date_form.is_bound:
        date_form = DateForm(initial={"day": day})
    start = max(datetime.combine(day, time()), sel.to_local(timezone.now()))
    slots = svc.next_free_slots(plan_session=session, after=start, limit=24, days=14)
    names = _names()
    form = RescheduleForm(request.POST or None, slots=slots, names=names)
    form.fields["reason"].required = False
    form.fields["reason"].widget = form.fields["reason"].hidden_widget()
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            appointment = svc.appointment_book(
                plan_session=session, slot=form.cleaned_data["slot"], by=request.user
            )
        except svc.BookingError as exc:
            messages.error(request, exc.message)
            form = RescheduleForm(slots=exc.alternatives, names=names)
            form.fields["reason"].widget = form.fields["reason"].hidden_widget()
            status = 409
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            status = 400
        else:
            messages.success(
                request,
                f"Session {session.number} booked for {sel.to_local(appointment.start):%a %b %d, %H:%M}.",
            )
            return redirect("appointments:plan-sessions", pk=plan.pk)
    return render(
        request,
        "appointments/session_book.html",
        {
            "session": session,
            "plan": plan,
            "form": form,
            "date_form": date_form,
            "groups": _slot_groups(form),
        },
        status=status,
    )


# --- Records, photos, progress -------------------------------------------------------------


@staff_permission_required(sel.RECORD)
def appointment_record(request, pk: int):
    appointment = sel.appointment_get_for_user(user=request.user, pk=pk)
    if appointment.status == AppointmentStatus.CANCELLED:
        messages.error(request, "This session was cancelled.")
        return redirect("appointments:appointment-detail", pk=pk)
    plan = appointment.plan_session.plan
    area_items = list(appointment.plan_session.areas or [])
    codes = [item["area"] for item in area_items]
    areas = {a.code: a for a in BodyArea.objects.filter(code__in=codes)}
    initial = {
        "status": appointment.status if appointment.status != "booked" else "done",
        "intake_reconfirmed": appointment.intake_reconfirmed,
        "intake_changes": appointment.intake_changes,
        "side_effects": appointment.side_effects,
        "notes": appointment.notes,
        "weight_kg": appointment.weight_kg,
    }
    for row in appointment.treated_areas.select_related("area"):
        for name in ("vials", "lot_numbers", "volume_ml", "cycles", "applicators", "pinch_mm"):
            initial[f"{row.area.code}__{name}"] = getattr(row, name)
    form = SessionRecordForm(
        request.POST or None,
        initial=initial,
        areas=area_items,
        area_names={c: a.name for c, a in areas.items()},
    )
    photo_form = PhotoForm(areas=BodyArea.objects.filter(code__in=codes))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            records = [
                svc.AreaRecord(
                    area=areas[r["code"]],
                    vials=r.get("vials"),
                    lot_numbers=r.get("lot_numbers") or "",
                    volume_ml=r.get("volume_ml"),
                    cycles=r.get("cycles"),
                    applicators=r.get("applicators"),
                    pinch_mm=r.get("pinch_mm"),
                )
                for r in form.area_records()
                if r["code"] in areas
            ]
            try:
                svc.session_record(
                    appointment=appointment,
                    status=data["status"],
                    by=request.user,
                    intake_reconfirmed=data["intake_reconfirmed"],
                    intake_changes=data["intake_changes"],
                    side_effects=data["side_effects"],
                    notes=data["notes"],
                    weight_kg=data["weight_kg"],
                    areas=records,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
                status = 400
            else:
                messages.success(request, f"Session {appointment.plan_session.number} recorded.")
                return redirect("appointments:appointment-detail", pk=pk)
        else:
            status = 400
    return render(
        request,
        "appointments/record.html",
        {
            "a": appointment,
            "plan": plan,
            "form": form,
            "rows": form.bound_rows(),
            "photo_form": photo_form,
            "photos": appointment.photos.select_related("area"),
            "screening": _screening(request.user, plan.patient),
        },
        status=status,
    )


def _screening(user, patient):
    """The intake's flags, to re-confirm with the patient before treating."""
    from consultations.selectors import VIEW_SCREENING, intake_latest_submitted

    return intake_latest_submitted(patient=patient) if user.has_perm(VIEW_SCREENING) else None


@require_POST
@staff_permission_required(sel.RECORD, "appointments.add_progressphoto")
def photo_upload(request, pk: int):
    appointment = sel.appointment_get_for_user(user=request.user, pk=pk)
    codes = [item["area"] for item in appointment.plan_session.areas or []]
    form = PhotoForm(request.POST, request.FILES, areas=BodyArea.objects.filter(code__in=codes))
    if form.is_valid():
        try:
            svc.photo_add(
                appointment=appointment,
                upload=form.cleaned_data["image"],
                kind=form.cleaned_data["kind"],
                area=form.cleaned_data["area"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "Photo added.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("appointments:appointment-record", pk=pk)


@staff_permission_required(sel.VIEW_PHOTOS)
def photo_view(request, pk: int):
    photo = sel.photo_get_for_user(user=request.user, pk=pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}.{photo.extension}"'
    return response


# --- Calendars -----------------------------------------------------------------------------

PX_PER_MINUTE = 1.1


@dataclass
class Block:
    appointment: Appointment
    top: float
    height: float
    lane: int
    lanes: int

    @property
    def left(self) -> float:
        return 100 * self.lane / self.lanes

    @property
    def width(self) -> float:
        return 100 / self.lanes


def _lanes(items: list[Appointment]) -> list[tuple[Appointment, int, int]]:
    """Side-by-side lanes for overlapping appointments in one column."""
    out: list[tuple[Appointment, int]] = []
    lane_ends: list[datetime] = []
    groups: list[list[int]] = []
    group_end: datetime | None = None
    for a in sorted(items, key=lambda a: (a.start, a.end)):
        if group_end is None or a.start >= group_end:
            lane_ends = []
            groups.append([])
            group_end = a.end
        group_end = max(group_end, a.end)
        lane = next((i for i, end in enumerate(lane_ends) if end <= a.start), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(a.end)
        else:
            lane_ends[lane] = a.end
        groups[-1].append(len(out))
        out.append((a, lane))
    widths = {}
    for group in groups:
        n = max(out[i][1] for i in group) + 1
        for i in group:
            widths[i] = n
    return [(a, lane, widths[i]) for i, (a, lane) in enumerate(out)]


def _parse_resource(value: str) -> tuple[str, int] | None:
    kind, _, pk = (value or "").partition(":")
    if kind in ("provider", "room", "device") and pk.isdigit():
        return kind, int(pk)
    return None


@staff_permission_required(sel.VIEW)
def calendar(request):
    view = request.GET.get("view", "week")
    if view not in ("day", "week"):
        view = "week"
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    resource = _parse_resource(request.GET.get("resource", ""))
    resources = sel.calendar_resources()
    names = {(kind, pk): name for kind, items in resources.items() for pk, name in items}
    if resource and resource not in names:
        raise Http404
    first = day - timedelta(days=day.weekday()) if view == "week" else day
    days = [first + timedelta(days=i) for i in range(7 if view == "week" else 1)]
    start, end = sel.day_bounds(days[0], days[-1])
    appointments = sel.appointments_between(start=start, end=end, resource=resource)
    hours = list(OpeningHours.objects.all())
    opens = min((h.starts for h in hours), default=time(8))
    closes = max((h.ends for h in hours), default=time(18))
    day_start_min = (opens.hour * 60 + opens.minute) // 60 * 60
    day_end_min = -(-(closes.hour * 60 + closes.minute) // 60) * 60
    for a in appointments:  # appointments outside opening hours still show
        s, e = sel.to_local(a.start), sel.to_local(a.end)
        day_start_min = min(day_start_min, s.hour * 60 // 60 * 60)
        day_end_min = max(day_end_min, -(-(e.hour * 60 + e.minute) // 60) * 60)
    total = max(day_end_min - day_start_min, 60)

    # Columns: days of the week; or, for a day with no resource chosen, one per provider.
    columns = []
    if view == "day" and resource is None:
        keys = [("provider", pk, name) for pk, name in resources["provider"]]
        for _kind, pk, name in keys:
            items = [a for a in appointments if a.provider_id == pk]
            columns.append({"title": name, "day": day, "blocks": _blocks(items, day_start_min)})
    else:
        for d in days:
            items = [a for a in appointments if sel.to_local(a.start).date() == d]
            columns.append(
                {
                    "title": d,
                    "day": d,
                    "blocks": _blocks(items, day_start_min),
                    "is_today": d == timezone.localdate(),
                }
            )
    step = timedelta(days=7 if view == "week" else 1)
    base = {"view": view, "resource": request.GET.get("resource", "")}
    hours_axis = [
        {"label": f"{m // 60:02d}:00", "top": (m - day_start_min) * PX_PER_MINUTE}
        for m in range(day_start_min, day_end_min, 60)
    ]
    return render(
        request,
        "appointments/calendar.html",
        {
            "view": view,
            "day": day,
            "days": days,
            "columns": columns,
            "hours_axis": hours_axis,
            "height": total * PX_PER_MINUTE,
            "resource_groups": [
                (
                    label,
                    [
                        (f"{kind}:{pk}", name, resource == (kind, pk))
                        for pk, name in resources[kind]
                    ],
                )
                for kind, label in (
                    ("provider", "Providers"),
                    ("room", "Rooms"),
                    ("device", "Devices"),
                )
            ],
            "resource": request.GET.get("resource", ""),
            "resource_name": names.get(resource, "") if resource else "",
            "prev": _query(base, first - step if view == "week" else day - step),
            "next": _query(base, first + step if view == "week" else day + step),
            "today": _query(base, timezone.localdate()),
            "switch_day": _query({**base, "view": "day"}, day),
            "switch_week": _query({**base, "view": "week"}, day),
            "count": len(appointments),
            "feed_url": _own_feed_url(request),
        },
    )


def _own_feed_url(request) -> str:
    """A provider's own secret feed URL, to subscribe to from a calendar app."""
    from django.urls import reverse

    if not request.user.has_perm(sel.RECORD):  # only providers have a feed (saves a query)
        return ""
    profile = getattr(request.user, "provider_profile", None)
    if profile is None or not profile.active:
        return ""
    return request.build_absolute_uri(
        reverse("appointments:provider-feed", args=[profile.ical_token])
    )


def _query(base: dict, day: date) -> str:
    from urllib.parse import urlencode

    params = {k: v for k, v in {**base, "date": day.isoformat()}.items() if v}
    return "?" + urlencode(params)


def _blocks(items: list[Appointment], day_start_min: int) -> list[Block]:
    blocks = []
    for a, lane, lanes in _lanes(items):
        s, e = sel.to_local(a.start), sel.to_local(a.end)
        minutes = s.hour * 60 + s.minute - day_start_min
        blocks.append(
            Block(
                a,
                top=minutes * PX_PER_MINUTE,
                height=max((e - s).total_seconds() / 60 * PX_PER_MINUTE, 18),
                lane=lane,
                lanes=lanes,
            )
        )
    return blocks


# --- iCal ----------------------------------------------------------------------------------


@staff_permission_required(sel.VIEW)
def appointment_ics(request, pk: int):
    appointment = sel.appointment_get_for_user(user=request.user, pk=pk)
    body = calendar_bytes(
        [appointment], name="Contour session", private=False, stamp=timezone.now()
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{appointment.pk}.ics"'
    return response


def provider_feed(request, token: str):
    """A provider's sessions from 30 days ago on, at a secret URL a calendar app subscribes to
    (no login: the token is the key; an admin can change it to revoke)."""
    profile = sel.provider_get_by_token(token=token)
    if profile is None:
        raise Http404
    since = timezone.now() - timedelta(days=30)
    appointments = (
        Appointment.objects.filter(
            provider=profile.user, end__gte=since, status__in=ACTIVE_STATUSES
        )
        .select_related(
            "plan_session__plan__patient",
            "plan_session__plan__treatment",
            "room",
            "device",
            "provider",
        )
        .order_by("start")
    )
    body = calendar_bytes(
        appointments, name=f"Contour — {profile}", private=True, stamp=timezone.now()
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
