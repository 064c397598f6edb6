"""Staff pages for sessions: book a course, move or cancel a session, calendars, session
records, progress and photos; the providers' iCal feeds. Function views: parse, call one
service, render or redirect."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from clinic.audit import access
from clinic.formats.display import clock
from clinic.permissions import staff_permission_required
from clinic.validators import DATE_RANGE_MESSAGE
from consultations.selectors import user_sees_clinical
from treatments.appointments import calendar_grid as grid
from treatments.appointments import charts, outcomes
from treatments.appointments import selectors as sel
from treatments.appointments import services as svc
from treatments.appointments.forms import (
    CourseBookingForm,
    DateForm,
    ReasonForm,
    RescheduleForm,
    SessionBookForm,
    SessionRecordForm,
    slot_choices,
)
from treatments.appointments.ical import calendar_bytes
from treatments.appointments.models import Appointment, AppointmentStatus


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _when(appointment: Appointment) -> str:
    return f"{sel.to_local(appointment.start):%a %b %d}, {clock(appointment.start)}"


# --- Booking -------------------------------------------------------------------------------


@staff_permission_required(sel.BOOK)
def plans_to_book(request):
    page = sel.plans_to_book(
        after=request.GET.get("after", ""), before=request.GET.get("before", "")
    )
    return render(request, "appointments/to_book.html", {"plans": page.rows, "page": page})


@staff_permission_required(sel.VIEW)
def plan_sessions(request, pk: int):
    plan = sel.course_get_for_user(user=request.user, pk=pk)
    rows = sel.plan_course(plan=plan)
    can_photos = request.user.has_perm(sel.VIEW_PHOTOS)
    # Pinch, weights, photos and outcomes are clinical: the front desk books the course
    # without them.
    clinical = user_sees_clinical(request.user)
    progress = sel.plan_progress(plan=plan, with_photos=can_photos) if clinical else None
    found = outcomes.plan_area_outcomes(plan=plan) if clinical else []
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
            "chart": _chart(progress, outcomes.predicted_series(found)) if progress else "",
            "progress": progress,
            "outcomes": found,
            "can_photos": can_photos and clinical,
            "clinical": clinical,
        },
    )


def _chart(progress: sel.Progress, predicted: dict) -> str:
    """Measured lines; the plan's prediction dashed beside them once a session is measured."""
    series = {
        name: [charts.ChartPoint(p.label, p.value) for p in points]
        for name, points in progress.series.items()
    }
    if not any(len(points) > 1 for points in series.values()):
        predicted = {}
    svg = charts.progress_svg(series, predicted=predicted)
    return mark_safe(svg)  # noqa: S308 - every label is escaped


@staff_permission_required(sel.BOOK)
def plan_book(request, pk: int):
    """The course proposal: each session on its agreed day (or the nearest free one) with
    every free slot of that day to choose from; another day per session shows its slots."""
    plan = sel.course_get_for_user(user=request.user, pk=pk)
    problem = svc.plan_booking_problem(plan)
    if problem:
        messages.error(request, problem)
        return redirect("appointments:plan-sessions", pk=plan.pk)
    now = timezone.now()
    days = CourseBookingForm.days_asked(request.POST or request.GET)
    choices = svc.course_choices(plan=plan, now=now, days=days)
    names = sel.resource_names()
    form = CourseBookingForm(request.POST or None, choices=choices, names=names)
    context = {"plan": plan, "rows": form.rows, "form": form, "complete": choices.complete}
    booking = request.method == "POST" and request.POST.get("action") != CourseBookingForm.SHOW
    if booking and form.is_valid():
        try:
            created = svc.appointment_book_course(
                plan=plan, by=request.user, slots=form.slots(), now=now
            )
        except svc.BookingError as exc:
            messages.error(request, exc.message)
            alternatives = slot_choices(exc.alternatives, names)
            conflict = {"conflict": exc, "names": names, "alternatives": alternatives}
            return render(request, "appointments/book.html", {**context, **conflict}, status=409)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return render(request, "appointments/book.html", context, status=400)
        count = len(created)
        messages.success(
            request,
            f"Booked {count} session{'s' if count != 1 else ''} for {plan.patient.full_name}.",
        )
        return redirect("appointments:plan-sessions", pk=plan.pk)
    return render(request, "appointments/book.html", context)


@staff_permission_required(sel.BOOK)
def session_book(request, pk: int):
    """Book one session of a plan (session by session, or again after a cancellation): every
    free slot of one day, the agreed day first, inside the course's interval rules."""
    session = sel.course_session_get_for_user(user=request.user, pk=pk)
    plan = session.plan
    date_form, day = DateForm.pick(request.GET, default=session.planned_date or plan.start_date)
    picked = svc.day_slots(plan_session=session, day=day, now=timezone.now())
    names = sel.resource_names()
    form = SessionBookForm(request.POST or None, slots=picked.slots, names=names)
    status = 400 if date_form.errors else 200
    if request.method == "POST" and form.is_valid():
        try:
            appointment = svc.appointment_book(
                plan_session=session, slot=form.cleaned_data["slot"], by=request.user
            )
        except svc.BookingError as exc:
            messages.error(request, exc.message)
            form, status = SessionBookForm(slots=exc.alternatives, names=names), 409
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            status = 400
        else:
            messages.success(request, f"Session {session.number} booked for {_when(appointment)}.")
            return redirect("appointments:plan-sessions", pk=plan.pk)
    context = {"session": session, "plan": plan, "form": form, "date_form": date_form}
    return render(
        request,
        "appointments/session_book.html",
        {**context, "picked": picked, "groups": form.slot_groups()},
        status=status,
    )


# --- One appointment -----------------------------------------------------------------------


@staff_permission_required(sel.VIEW)
def appointment_detail(request, pk: int):
    appointment = sel.appointment_get_for_user(user=request.user, pk=pk)
    clinical = user_sees_clinical(request.user)
    return render(
        request,
        "appointments/appointment.html",
        {
            "a": appointment,
            "plan": appointment.plan_session.plan,
            # The session record (re-check, lots, pinch, weight, side effects, notes) is
            # clinical: the front desk sees when and with whom, not what was found.
            "clinical": clinical,
            "treated": appointment.treated_areas.select_related("area") if clinical else [],
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
    date_form, day = DateForm.pick(request.GET, default=sel.to_local(appointment.start).date())
    picked = svc.day_slots(
        plan_session=appointment.plan_session,
        day=day,
        now=timezone.now(),
        exclude=(pk,),
        later_sessions_follow=True,
    )
    names = sel.resource_names()
    form = RescheduleForm(request.POST or None, slots=picked.slots, names=names)
    status = 400 if date_form.errors else 200
    if request.method == "POST" and form.is_valid():
        try:
            outcome = svc.appointment_reschedule(
                appointment=appointment, by=request.user, **form.cleaned_data
            )
        except svc.BookingError as exc:
            messages.error(request, exc.message)
            form, status = RescheduleForm(slots=exc.alternatives, names=names), 409
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            status = 400
        else:
            _report_move(request, outcome)
            return redirect("appointments:plan-sessions", pk=appointment.plan_session.plan_id)
    context = {"a": appointment, "form": form, "date_form": date_form, "picked": picked}
    return render(
        request,
        "appointments/reschedule.html",
        {**context, "groups": form.slot_groups()},
        status=status,
    )


def _report_move(request, outcome: svc.Outcome) -> None:
    moved = outcome.appointment
    messages.success(request, f"Session {moved.plan_session.number} moved to {_when(moved)}.")
    for line in outcome.moved:
        messages.warning(request, line)
    for line in outcome.attention:
        messages.error(request, line)


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


# --- Records, photos, progress -------------------------------------------------------------


@staff_permission_required(sel.RECORD)
def appointment_record(request, pk: int):
    """The session record and its before/after photos in one form, saved together: a refusal
    shows beside its field with everything typed kept."""
    appointment = sel.appointment_get_for_user(user=request.user, pk=pk)
    if appointment.status == AppointmentStatus.CANCELLED:
        messages.error(request, "This session was cancelled.")
        return redirect("appointments:appointment-detail", pk=pk)
    areas = sel.session_body_areas(appointment=appointment)
    form = SessionRecordForm.for_appointment(
        request.POST or None,
        request.FILES or None,
        appointment=appointment,
        body_areas={area.code: area for area in areas},
        photos=request.user.has_perm(sel.ADD_PHOTOS),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                svc.session_record(appointment=appointment, by=request.user, **form.record())
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, f"Session {appointment.plan_session.number} recorded.")
                return redirect("appointments:appointment-detail", pk=pk)
    plan = appointment.plan_session.plan
    context = {
        "a": appointment,
        "plan": plan,
        "form": form,
        "rows": form.bound_rows(),
        "photos": appointment.photos.select_related("area"),
        "screening": sel.screening_to_reconfirm(user=request.user, patient=plan.patient),
    }
    return render(request, "appointments/record.html", context, status=status)


@staff_permission_required(sel.VIEW_PHOTOS)
def photo_view(request, pk: int):
    photo = sel.photo_get_for_user(user=request.user, pk=pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    access.log_read(user=request.user, obj=photo, what=access.PHOTO)
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"photo-{photo.pk}.{photo.extension}"
    )
    return response


# --- Calendars -----------------------------------------------------------------------------

RESOURCE_GROUPS = (("provider", "Providers"), ("room", "Rooms"), ("device", "Devices"))


@staff_permission_required(sel.VIEW)
def calendar(request):
    today = timezone.localdate()
    query = grid.CalendarQuery.parse(request.GET, today=today)
    page = sel.calendar_page(query=query, today=today)
    context = _calendar_context(page, today=today)
    if query.date_refused:
        messages.error(request, f"{DATE_RANGE_MESSAGE} Showing today instead.")
    return render(
        request,
        "appointments/calendar.html",
        {**context, "feed_url": _own_feed_url(request)},
        status=400 if query.date_refused else 200,
    )


def _calendar_context(page: sel.CalendarPage, *, today: date) -> dict:
    query = page.query
    links = query.links(today=today)
    return {
        "view": query.view,
        "day": query.day,
        "days": list(query.days),
        "columns": page.columns,
        "hours_axis": [(str(int(h.top + 0.5)), h.at) for h in page.grid.hours],
        # The same hour lines in every column: written once.
        "hour_lines": mark_safe(  # noqa: S308 - numbers only
            "".join(
                f'<div class="cal-line" data-css-top="{int(h.top + 0.5)}px"></div>'
                for h in page.grid.hours
            )
        ),
        "height": page.grid.height,
        "resource_options": _resource_options(page, query),
        "resource": query.resource_param,
        "resource_name": page.resource_name,
        "prev": links.prev,
        "next": links.next,
        "today": links.today,
        "switch_day": links.switch_day,
        "switch_week": links.switch_week,
        "count": page.count,
        "day_counts": page.day_counts,
        "draw_cap": sel.DRAW_CAP,
    }


def _resource_options(page: sel.CalendarPage, query) -> str:
    """The "Show" picker's option groups as HTML, built here with the standard library's
    escaping: a chain's hundreds of providers, rooms and devices cost the template (or
    format_html) a dozen calls each."""
    parts = []
    for kind, label in RESOURCE_GROUPS:
        parts.append(f'<optgroup label="{escape(str(label))}">')
        for pk, name in page.resources[kind]:
            chosen = " selected" if query.resource == (kind, pk) else ""
            parts.append(f'<option value="{kind}:{int(pk)}"{chosen}>{escape(str(name))}</option>')
        parts.append("</optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


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
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"session-{appointment.pk}.ics"
    )
    return response


def provider_feed(request, token: str):
    """A provider's sessions from 30 days ago on, at a secret URL a calendar app subscribes to
    (no login: the token is the key; an admin can change it to revoke)."""
    profile = sel.provider_get_by_token(token=token)
    if profile is None:
        raise Http404
    since = timezone.now() - timedelta(days=30)
    appointments = sel.provider_feed_appointments(profile=profile, since=since)
    body = calendar_bytes(
        appointments, name=f"Contour — {profile}", private=True, stamp=timezone.now()
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
