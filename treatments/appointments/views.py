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
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from clinic.permissions import staff_permission_required
from treatments.appointments import calendar_grid as grid
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
    plan = sel.course_get_for_user(user=request.user, pk=pk)
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
    plan = sel.course_get_for_user(user=request.user, pk=pk)
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
    plan = sel.course_get_for_user(user=request.user, pk=session.plan_id)
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

RESOURCE_GROUPS = (("provider", "Providers"), ("room", "Rooms"), ("device", "Devices"))


@staff_permission_required(sel.VIEW)
def calendar(request):
    today = timezone.localdate()
    query = grid.CalendarQuery.parse(request.GET, today=today)
    page = sel.calendar_page(query=query, today=today)
    context = _calendar_context(page, today=today)
    return render(
        request, "appointments/calendar.html", {**context, "feed_url": _own_feed_url(request)}
    )


def _calendar_context(page: sel.CalendarPage, *, today: date) -> dict:
    query = page.query
    links = query.links(today=today)
    return {
        "view": query.view,
        "day": query.day,
        "days": list(query.days),
        "columns": page.columns,
        "hours_axis": page.grid.hours,
        "height": page.grid.height,
        "resource_groups": [
            (
                label,
                [
                    (f"{kind}:{pk}", name, query.resource == (kind, pk))
                    for pk, name in page.resources[kind]
                ],
            )
            for kind, label in RESOURCE_GROUPS
        ],
        "resource": query.resource_param,
        "resource_name": page.resource_name,
        "prev": links.prev,
        "next": links.next,
        "today": links.today,
        "switch_day": links.switch_day,
        "switch_week": links.switch_week,
        "count": page.count,
    }


def _own_feed_url(request) -> str:
    """A provider's own secret feed URL, to subscribe to from a calendar app."""
    if not request.user.has_perm(sel.RECORD):  # only providers have a feed (saves a query)
        return ""
    profile = getattr(request.user, "provider_profile", None)
    if profile is None or not profile.active:
        return ""
    return request.build_absolute_uri(
        reverse("appointments:provider-feed", args=[profile.ical_token])
    )


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
