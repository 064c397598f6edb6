"""Reads for booking and sessions: the clinic snapshot the slot finder takes, calendars,
today's list, a plan's course and a patient's progress. Every object lookup is scoped to
what the user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from clinic import keyset
from clinic.formats.display import clock
from consultations.selectors import VIEW_SCREENING, intake_latest_submitted
from treatments.appointments import calendar_grid as grid
from treatments.appointments.models import (
    ACTIVE_STATUSES,
    HOLDS_SESSION,
    Appointment,
    AppointmentStatus,
    Device,
    OpeningHours,
    ProgressPhoto,
    ProviderProfile,
    Room,
    TreatedArea,
)
from treatments.catalog.models import BodyArea, Treatment
from treatments.catalog.selectors import closures_snapshot
from treatments.engine import slots as scheduling
from treatments.plans.lifecycle import BOOKABLE_STATUSES
from treatments.plans.models import Plan, PlanConsent, PlanSession

BOOK = "appointments.book_appointment"
RECORD = "appointments.record_session"
VIEW = "appointments.view_appointment"
VIEW_PHOTOS = "appointments.view_progressphoto"
ADD_PHOTOS = "appointments.add_progressphoto"


# --- Time ------------------------------------------------------------------------------------


def to_local(value: datetime) -> datetime:
    """An aware datetime as the clinic's naive wall-clock time (what the slot finder uses)."""
    return timezone.localtime(value).replace(tzinfo=None)


def to_aware(value: datetime) -> datetime:
    return timezone.make_aware(value)


# No session lasts a day (the clinic's hours are shorter), so an appointment overlapping a
# range starts less than a day before it: that lower bound lets the database read the range
# from the start index instead of every earlier appointment.
LONGEST_SESSION = timedelta(days=1)


def overlapping(start: datetime, end: datetime) -> Q:
    """Appointments overlapping [start, end)."""
    return Q(start__lt=end, end__gt=start, start__gt=start - LONGEST_SESSION)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        to_aware(datetime.combine(first, time())),
        to_aware(datetime.combine(last + timedelta(days=1), time())),
    )


# --- The slot finder's view of the clinic --------------------------------------------------


def need_for(treatment: Treatment) -> scheduling.Need:
    return scheduling.Need(
        treatment=treatment.code, room=treatment.needs_room, device=treatment.needs_device
    )


def rules_for(treatment: Treatment) -> scheduling.CourseRules:
    return scheduling.CourseRules(
        min_interval_days=treatment.min_interval_days,
        usual_interval_days=treatment.usual_interval_days,
        window_days=getattr(settings, "SESSION_WINDOW_DAYS", scheduling.DEFAULT_WINDOW_DAYS),
    )


def _hours(rows) -> tuple[scheduling.Hours, ...]:
    return tuple(scheduling.Hours(r.weekday, r.starts, r.ends) for r in rows)


def clinic_snapshot(
    *, first_day: date, last_day: date, exclude: tuple[int, ...] = ()
) -> scheduling.Clinic:
    """Opening hours, closures, active providers/rooms/devices and every active appointment
    between the two days (inclusive), except the appointments in `exclude` (being moved).
    Seven queries, however many appointments."""
    # The catalog's closures (closed weekdays, public holidays and other closed dates) are
    # the ones the plan engine uses too: booking never offers a day the plan could not use.
    closures = closures_snapshot(since=first_day)
    opening = _hours(OpeningHours.objects.exclude(weekday__in=closures.weekdays))
    closed = frozenset(d for d in closures.dates if d <= last_day)
    profiles = ProviderProfile.objects.filter(active=True, user__is_active=True).prefetch_related(
        Prefetch("treatments", queryset=Treatment.objects.only("id", "code")), "hours"
    )
    providers = tuple(
        scheduling.Provider(
            p.user_id,
            str(p),
            frozenset(t.code for t in p.treatments.all()),
            _hours(p.hours.all()),
        )
        for p in profiles.select_related("user")
    )
    rooms = tuple(scheduling.Room(r.id, r.name) for r in Room.objects.filter(active=True))
    devices = tuple(
        scheduling.Device(d.id, d.name, frozenset(t.code for t in d.treatments.all()))
        for d in Device.objects.filter(active=True).prefetch_related(
            Prefetch("treatments", queryset=Treatment.objects.only("id", "code"))
        )
    )
    start, end = day_bounds(first_day, last_day)
    busy: list[scheduling.Busy] = []
    rows = (
        Appointment.objects.filter(overlapping(start, end), status__in=ACTIVE_STATUSES)
        .exclude(pk__in=exclude)
        .values_list("start", "end", "provider_id", "room_id", "device_id")
    )
    for a_start, a_end, provider_id, room_id, device_id in rows:
        s, e = to_local(a_start), to_local(a_end)
        busy.append(scheduling.Busy(scheduling.PROVIDER, provider_id, s, e))
        if room_id:
            busy.append(scheduling.Busy(scheduling.ROOM, room_id, s, e))
        if device_id:
            busy.append(scheduling.Busy(scheduling.DEVICE, device_id, s, e))
    return scheduling.Clinic(
        opening=opening,
        providers=providers,
        rooms=rooms,
        devices=devices,
        closed_dates=closed,
        busy=tuple(busy),
        grid_minutes=getattr(settings, "SESSION_GRID_MINUTES", scheduling.DEFAULT_GRID_MINUTES),
    )


# --- Plans and appointments ---------------------------------------------------------------


def _plan_queryset() -> QuerySet[Plan]:
    return Plan.objects.select_related("patient", "treatment")


def course_get_for_user(*, user, pk: int) -> Plan:
    """A plan, to see or book its course of sessions: any staff member with the sessions view
    may (the front desk too, who cannot open the plan itself); 404 otherwise. Not the plans
    app's plan_get_for_user, which is the plan's own page (per patient, plans.view_plan)."""
    if not user.has_perm(VIEW):
        raise Http404
    return get_object_or_404(_plan_queryset(), pk=pk)


def course_session_get_for_user(*, user, pk: int) -> PlanSession:
    """A session of a plan, with its plan, patient and treatment, on the same terms as
    course_get_for_user."""
    if not user.has_perm(VIEW):
        raise Http404
    return get_object_or_404(
        PlanSession.objects.select_related("plan__patient", "plan__treatment"), pk=pk
    )


TO_BOOK_ORDER = ("start_date", "pk")


def plans_to_book(*, after: str = "", before: str = "", size: int = 25) -> keyset.Page:
    """Plans that can be booked (the lifecycle's rule, plan_can_be_booked, as a query: a
    bookable status and the patient's signed consent) with a session that has no appointment
    standing for it (never booked, cancelled or missed): one keyset page of them, earliest
    start first, each with `session_count` and `unbooked_count`. One query: `NOT EXISTS`
    against the partial unique index of standing appointments, never a `NOT IN` over every
    appointment; the counts are subqueries run for the page's rows only."""
    held = Appointment.objects.filter(plan_session=OuterRef("pk"), status__in=HOLDS_SESSION)
    unbooked = PlanSession.objects.filter(plan=OuterRef("pk")).filter(~Exists(held))
    plans = (
        Plan.objects.filter(status__in=BOOKABLE_STATUSES)
        .filter(Exists(unbooked))
        .filter(Exists(PlanConsent.objects.filter(plan=OuterRef("pk"))))
        .select_related("patient", "treatment")
        .only(
            "start_date",
            "status",
            "patient__first_name",
            "patient__last_name",
            "treatment__name",
        )
        .annotate(
            session_count=_count_of(PlanSession.objects.filter(plan=OuterRef("pk"))),
            unbooked_count=_count_of(unbooked),
        )
    )
    return keyset.paginate(
        plans, TO_BOOK_ORDER, after_cursor=after, before_cursor=before, size=size, count=False
    )


def _count_of(sessions: QuerySet) -> Subquery:
    """COUNT(*) of a plan's sessions (correlated to the outer plan), as a column of it."""
    return Subquery(sessions.order_by().values("plan").annotate(n=Count("pk")).values("n"))


@dataclass
class CourseRow:
    session: PlanSession
    appointment: Appointment | None  # the one standing for the session (booked or done)
    history: list[Appointment]  # cancelled and no-show ones


def plan_course(*, plan: Plan) -> list[CourseRow]:
    """Each session of the plan with its active appointment and the cancelled ones (2 queries)."""
    sessions = list(plan.sessions.order_by("number"))
    appointments = (
        Appointment.objects.filter(plan_session__plan=plan)
        .select_related("provider", "room", "device")
        .prefetch_related("treated_areas__area")
        .order_by("start")
    )
    by_session: dict[int, list[Appointment]] = defaultdict(list)
    for a in appointments:
        by_session[a.plan_session_id].append(a)
    rows = []
    for s in sessions:
        items = by_session.get(s.pk, [])
        active = next((a for a in items if a.status in HOLDS_SESSION), None)
        rows.append(CourseRow(s, active, [a for a in items if a is not active]))
    return rows


def _appointment_queryset() -> QuerySet[Appointment]:
    return Appointment.objects.select_related(
        "plan_session__plan__patient",
        "plan_session__plan__treatment",
        "provider",
        "room",
        "device",
    )


def appointment_get_for_user(*, user, pk: int) -> Appointment:
    if not user.has_perm(VIEW):
        raise Http404
    return get_object_or_404(_appointment_queryset(), pk=pk)


def appointments_between(
    *, start: datetime, end: datetime, resource: tuple[str, int] | None = None
) -> list[Appointment]:
    """Active appointments overlapping [start, end), one query with everything a calendar
    shows; optionally for one provider, room or device."""
    qs = _appointment_queryset().filter(overlapping(start, end), status__in=ACTIVE_STATUSES)
    if resource:
        kind, pk = resource
        qs = qs.filter(**{f"{kind}_id": pk})
    return list(qs.order_by("start"))


def appointments_with_details(*, pks: list[int]) -> list[Appointment]:
    return list(_appointment_queryset().filter(pk__in=pks).order_by("start"))


# What a row of today's list shows (the dashboard's panel).
TODAY_FIELDS = (
    "start",
    "status",
    "provider__first_name",
    "provider__username",
    "room__name",
    "plan_session__number",
    "plan_session__plan__treatment__name",
    "plan_session__plan__patient__first_name",
    "plan_session__plan__patient__last_name",
)


def appointments_today(*, user, today: date, limit: int | None = None) -> list[Appointment]:
    """Today's sessions, earliest first (the first `limit` of them): everyone's for the
    front desk and admins, a provider's own for a provider. One query, lean rows."""
    start, end = day_bounds(today, today)
    qs = (
        Appointment.objects.filter(start__gte=start, start__lt=end)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related(
            "plan_session__plan__patient", "plan_session__plan__treatment", "provider", "room"
        )
        .only(*TODAY_FIELDS)
    )
    if not user.has_perm(BOOK) and not user.has_perm("appointments.change_room"):
        # A provider sees their own day; the front desk and admins see everyone's.
        qs = qs.filter(provider=user)
    qs = qs.order_by("start", "pk")
    return list(qs[:limit] if limit is not None else qs)


def calendar_resources() -> dict[str, list[tuple[int, str]]]:
    """Choices for the calendar's resource picker (3 queries)."""
    User = get_user_model()
    providers = [
        (pk, f"{first} {last}".strip() or username)
        for pk, first, last, username in User.objects.filter(provider_profile__active=True)
        .order_by("first_name", "last_name", "username")
        .values_list("pk", "first_name", "last_name", User.USERNAME_FIELD)
    ]
    return {
        "provider": providers,
        "room": list(Room.objects.filter(active=True).values_list("pk", "name")),
        "device": list(Device.objects.filter(active=True).values_list("pk", "name")),
    }


def resource_names(
    resources: dict[str, list[tuple[int, str]]] | None = None,
) -> dict[tuple[str, int], str]:
    """("room", 3) -> "Room 1", for every active provider, room and device (3 queries, none
    when `resources` from calendar_resources() is given)."""
    resources = calendar_resources() if resources is None else resources
    return {(kind, pk): name for kind, items in resources.items() for pk, name in items}


def opening_hours() -> list[tuple[time, time]]:
    """Every opening stretch of the week as (starts, ends), for the calendar's time axis."""
    return list(OpeningHours.objects.values_list("starts", "ends"))


# What a calendar block shows, read as plain values (no model rows: a week holds hundreds).
CALENDAR_FIELDS = (
    "pk",
    "start",
    "end",
    "status",
    "provider_id",
    "provider__first_name",
    "provider__username",
    "room__name",
    "device__name",
    "plan_session__number",
    "plan_session__plan__treatment__code",
    "plan_session__plan__treatment__name",
    "plan_session__plan__patient__first_name",
    "plan_session__plan__patient__last_name",
)


def calendar_appointments(
    *,
    start: datetime,
    end: datetime,
    resource: tuple[str, int] | None = None,
    ids: list[int] | None = None,
) -> list[dict]:
    """Active appointments overlapping [start, end) as dicts of what a block shows: one
    query, only the columns the calendar draws; only those of `ids` when given."""
    qs = Appointment.objects.filter(overlapping(start, end), status__in=ACTIVE_STATUSES)
    if resource:
        kind, pk = resource
        qs = qs.filter(**{f"{kind}_id": pk})
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs.order_by("start", "pk").values(*CALENDAR_FIELDS))


def calendar_appointment_ids(*, start: datetime, end: datetime, limit: int) -> list[int]:
    """The first `limit` active appointments overlapping [start, end), by start: their ids
    only (one query on the appointments alone)."""
    qs = Appointment.objects.filter(overlapping(start, end), status__in=ACTIVE_STATUSES)
    return list(qs.order_by("start", "pk").values_list("pk", flat=True)[:limit])


def calendar_day_counts(*, start: datetime, end: datetime) -> dict[date, int]:
    """Active appointments per local day starting in [start, end) (one query)."""
    rows = (
        Appointment.objects.filter(start__gte=start, start__lt=end, status__in=ACTIVE_STATUSES)
        .annotate(day=TruncDate("start"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["day"]: r["n"] for r in rows}


@dataclass(frozen=True)
class CalendarEvent:
    """A block as the page draws it: every text and position worked out once, here."""

    href: str
    css: str  # "status-booked t-cryolipolysis cal-short"
    # Its position in the column, as CSS values (applied from data-css-* attributes: the
    # Content-Security-Policy allows no style attribute).
    top: str
    height: str
    left: str
    width: str
    title: str
    time: str
    who: str
    what: str
    where: str


def calendar_event(row: dict, block: grid.Block, href: str) -> CalendarEvent:
    starts, ends = clock(row["start"]), clock(row["end"])
    first = row["plan_session__plan__patient__first_name"]
    who = f"{first} {row['plan_session__plan__patient__last_name']}".strip()
    treatment = row["plan_session__plan__treatment__name"]
    number = row["plan_session__number"]
    where = " · ".join(
        name
        for name in (
            row["provider__first_name"] or row["provider__username"],
            row["room__name"],
            row["device__name"],
        )
        if name
    )
    short = " cal-short" if block.height < 48 else ""
    return CalendarEvent(
        href=href,
        css=f"status-{row['status']} t-{row['plan_session__plan__treatment__code']}{short}",
        top=f"{block.top:.0f}px",
        height=f"{block.height:.0f}px",
        left=f"calc({block.left:.2f}% + 2px)",
        width=f"calc({block.width:.2f}% - 4px)",
        title=f"{starts}\u2013{ends} {who}, {treatment} session {number}",
        time=starts,
        who=who,
        what=f"{treatment} · {number}",
        where=where,
    )


@dataclass
class CalendarColumn:
    day: date
    title: str
    is_today: bool
    events: list[CalendarEvent]


@dataclass
class CalendarPage:
    query: grid.CalendarQuery
    resources: dict[str, list[tuple[int, str]]]
    resource_name: str
    columns: list[CalendarColumn]
    grid: grid.Grid
    count: int
    # Set when everyone's sessions are too many to draw (more than DRAW_CAP): each day's
    # count instead, and no blocks; one resource's calendar is always drawn.
    day_counts: list[tuple[date, int]] | None = None


# Blocks one page draws for everyone at once. A week of a clinic with ten providers is about
# 300 sessions; a chain's (thousands, over a hundred rooms) is unreadable as blocks and slow
# to send, so past this the page gives each day's count and asks for a provider, room or
# device.
DRAW_CAP = 400


def calendar_page(*, query: grid.CalendarQuery, today: date) -> CalendarPage:
    """The calendar for a day or a week, everyone's or one resource's, laid out (5 queries for
    one resource: the resource picker's 3, the appointments with everything a block shows,
    the hours; 6 for everyone: first the ids, to see whether the blocks fit under DRAW_CAP,
    and past it each day's count instead of the blocks). 404 for a resource that does not
    exist or is inactive."""
    resources = calendar_resources()
    names = resource_names(resources)
    if query.resource and query.resource not in names:
        raise Http404
    start, end = day_bounds(query.days[0], query.days[-1])
    day_counts = None
    if query.resource:
        rows = calendar_appointments(start=start, end=end, resource=query.resource)
    else:
        # Everyone's: first whether the blocks fit, from the appointments' index alone
        # (joining every row's patient and treatment before the limit cost 100 ms at scale).
        ids = calendar_appointment_ids(start=start, end=end, limit=DRAW_CAP + 1)
        if len(ids) > DRAW_CAP:
            counts = calendar_day_counts(start=start, end=end)
            day_counts = [(day, counts.get(day, 0)) for day in query.days]
            rows = []
        else:
            rows = calendar_appointments(start=start, end=end, ids=ids)
    if query.by_provider and day_counts is None:
        specs = grid.provider_columns(query.day, resources["provider"])
    else:
        specs = grid.day_columns(query.days, today=today)
    entries = [
        grid.Entry(r["pk"], to_local(r["start"]), to_local(r["end"]), r["provider_id"])
        for r in rows
    ]
    layout = grid.layout(specs, opening=opening_hours(), entries=entries)
    by_id = {r["pk"]: r for r in rows}
    # One reverse() for the page, not one per block.
    href = reverse("appointments:appointment-detail", args=[0]).replace("/0/", "/{}/")
    return CalendarPage(
        query=query,
        resources=resources,
        resource_name=names.get(query.resource, "") if query.resource else "",
        columns=[
            CalendarColumn(
                c.day,
                c.title,
                c.is_today,
                [calendar_event(by_id[b.id], b, href.format(b.id)) for b in c.blocks],
            )
            for c in layout.columns
        ],
        grid=layout,
        count=len(rows) if day_counts is None else sum(n for _, n in day_counts),
        day_counts=day_counts,
    )


def session_body_areas(*, appointment: Appointment) -> QuerySet[BodyArea]:
    """The body areas the appointment's session treats (for its record and photos)."""
    codes = [item["area"] for item in appointment.plan_session.areas or []]
    return BodyArea.objects.filter(code__in=codes)


def screening_to_reconfirm(*, user, patient):
    """The patient's latest intake with its flags, to re-confirm before treating; None when
    the user may not see screening (or there is no intake)."""
    return intake_latest_submitted(patient=patient) if user.has_perm(VIEW_SCREENING) else None


def provider_feed_appointments(*, profile: ProviderProfile, since: datetime) -> QuerySet:
    """The provider's active appointments ending after `since`, with what the feed shows."""
    return (
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


def provider_get_by_token(*, token: str) -> ProviderProfile | None:
    return (
        ProviderProfile.objects.select_related("user")
        .filter(ical_token=token, active=True, user__is_active=True)
        .first()
    )


def photo_get_for_user(*, user, pk: int) -> ProgressPhoto:
    if not user.has_perm(VIEW_PHOTOS):
        raise Http404
    return get_object_or_404(ProgressPhoto, pk=pk)


# --- Progress ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    label: str  # "Baseline", "Session 1"...
    day: date
    value: Decimal


@dataclass
class Progress:
    series: dict[str, list[Point]]  # area name -> points
    weights: list[Point]
    photos: list[tuple[ProgressPhoto | None, ProgressPhoto | None]]  # (before, after) pairs


def _baseline(plan: Plan) -> dict[str, tuple[date, Decimal]]:
    """The assessment's pinch per area, when the plan has one (plans-base: Plan.assessment)."""
    assessment = getattr(plan, "assessment", None)
    if assessment is None:
        return {}
    return {
        a.area.name: (assessment.assessed_on, Decimal(a.pinch_mm))
        for a in assessment.areas.select_related("area")
    }


def measured_points(appointments, series: dict[str, list[Point]]) -> list[Point]:
    """Add each done session's pinch per area to `series`; return its weights. The sessions
    come with `plan_session` and `treated_areas` (with `area`) loaded."""
    weights = []
    for a in appointments:
        day = timezone.localtime(a.start).date()
        label = f"Session {a.plan_session.number}"
        for t in a.treated_areas.all():
            if t.pinch_mm is not None:
                series[t.area.name].append(Point(label, day, t.pinch_mm))
        if a.weight_kg is not None:
            weights.append(Point(label, day, a.weight_kg))
    return weights


def plan_progress(*, plan: Plan, with_photos: bool) -> Progress:
    series: dict[str, list[Point]] = defaultdict(list)
    for name, (day, value) in _baseline(plan).items():
        series[name].append(Point("Assessment", day, value))
    appointments = list(
        Appointment.objects.filter(plan_session__plan=plan, status=AppointmentStatus.DONE)
        .select_related("plan_session")
        .prefetch_related(
            Prefetch("treated_areas", queryset=TreatedArea.objects.select_related("area"))
        )
        .order_by("start")
    )
    weights = measured_points(appointments, series)
    photos: list[tuple[ProgressPhoto | None, ProgressPhoto | None]] = []
    if with_photos:
        all_photos = list(
            ProgressPhoto.objects.filter(appointment__plan_session__plan=plan)
            .select_related("area", "appointment__plan_session")
            .order_by("appointment__start", "pk")
        )
        befores = [p for p in all_photos if p.kind == ProgressPhoto.BEFORE]
        afters = [p for p in all_photos if p.kind == ProgressPhoto.AFTER]
        # The first "before" beside the latest "after", per area (or overall).
        keys = list(dict.fromkeys(p.area_id for p in all_photos))
        for key in keys:
            before = next((p for p in befores if p.area_id == key), None)
            after = next((p for p in reversed(afters) if p.area_id == key), None)
            photos.append((before, after))
    return Progress(dict(series), weights, photos)


# --- The patient's timeline (consultations' patient page) ---------------------------------


def session_timeline_events(patient, intakes) -> list:
    """Bookings and session outcomes for the patient page's timeline (one query)."""
    from consultations.selectors import TimelineEvent

    kinds = {"booked": "info", "done": "success", "no_show": "warning", "cancelled": "secondary"}
    events = []
    for a in (
        Appointment.objects.filter(plan_session__plan__patient=patient)
        .select_related("plan_session__plan__treatment", "booked_by", "recorded_by")
        .order_by("start")
    ):
        what = f"{a.plan_session.plan.treatment.name}, session {a.plan_session.number}"
        when = f"{timezone.localtime(a.start):%a %b %d}, {clock(a.start)}"
        events.append(
            TimelineEvent(
                a.booked_at,
                f"Session {a.plan_session.number} booked",
                f"{what} on {when}",
                by=(a.booked_by.get_full_name() or a.booked_by.get_username())
                if a.booked_by
                else "",
            )
        )
        if a.recorded_at:
            events.append(
                TimelineEvent(
                    a.recorded_at,
                    f"Session {a.plan_session.number}: {a.get_status_display().lower()}",
                    what,
                    by=(a.recorded_by.get_full_name() or a.recorded_by.get_username())
                    if a.recorded_by
                    else "",
                    kind=kinds.get(a.status, "info"),
                )
            )
        elif a.status == "cancelled":
            events.append(
                TimelineEvent(
                    a.updated_at,
                    f"Session {a.plan_session.number} cancelled",
                    a.status_reason,
                    kind="secondary",
                )
            )
    return events


def appointments_page(
    *,
    start: datetime,
    end: datetime,
    resources: dict[str, int],
    after: tuple[datetime, int] | None = None,
    limit: int,
) -> list[Appointment]:
    """A page of `appointments_between` in (start, id) order for the API's keyset pagination:
    the first `limit` after the (start, id) key `after`; `resources` narrows to a provider,
    room and/or device ({"provider": id, ...})."""
    qs = _appointment_queryset().filter(
        status__in=ACTIVE_STATUSES,
        start__lt=end,
        end__gt=start,
        **{f"{kind}_id": pk for kind, pk in resources.items()},
    )
    if after is not None:
        qs = qs.filter(Q(start__gt=after[0]) | Q(start=after[0], pk__gt=after[1]))
    return list(qs.order_by("start", "pk")[:limit])
