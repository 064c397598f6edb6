"""The reports' queries: every figure is aggregated in SQL (annotate/aggregate); Python only
shapes the few aggregated rows (months x treatments, weeks x resources) for the page.

Each function states its number of queries; tests/reports holds them to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Power
from django.utils import timezone

from consultations.models import Assessment, AssessmentArea, Intake
from treatments.appointments.models import (
    Appointment,
    AppointmentStatus,
    Device,
    OpeningHours,
    ProviderHours,
    Room,
    TreatedArea,
)
from treatments.catalog.models import Treatment
from treatments.engine import outcomes as engine
from treatments.plans.models import PlanChangeKind, PlanStatus, PlanStatusChange
from treatments.reports.models import (
    DailyAttendance,
    MonthlyPlanValue,
    ResourceKind,
    WeeklyUtilisation,
)


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        """Aware datetimes: the first day's midnight, and the midnight after the last day."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.first, time.min, tzinfo=tz),
            datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=tz),
        )

    @classmethod
    def default(cls, today: date) -> Period:
        """The past six months and the next four weeks (bookings already made)."""
        return cls(today - timedelta(days=182), today + timedelta(days=28))


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


VALUE_STATUSES = (PlanStatus.PRESENTED, PlanStatus.ACCEPTED, PlanStatus.COMPLETED)


# --- Funnel (2 queries) ----------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    label: str
    count: int
    conversion: float | None  # from the step before; None for the first, or after a zero


def _counts(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """Each queryset's number of rows, in one round trip (a SELECT of scalar subqueries)."""
    parts, params = [], []
    for qs in querysets.values():
        sql, qs_params = qs.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608 - ORM SQL, values as params
        params.extend(qs_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, (int(n) for n in row), strict=True))


def funnel(*, period: Period) -> list[FunnelStep]:
    """Events in the period: intake links sent, intakes submitted, assessments made, plans
    presented, accepted and completed (a plan counts once per step)."""
    start, end = period.bounds()
    # One count per date column, each reading its own index (one aggregate with two filters
    # reads every intake), sent together as one query of three subqueries.
    counts_of = {
        "sent": Intake.objects.filter(created_at__gte=start, created_at__lt=end),
        "submitted": Intake.objects.filter(submitted_at__gte=start, submitted_at__lt=end),
        "assessed": Assessment.objects.filter(assessed_on__range=(period.first, period.last)),
    }
    intakes = _counts(counts_of)
    assessed = intakes["assessed"]
    changes = dict.fromkeys(VALUE_STATUSES, 0)
    changes.update(
        PlanStatusChange.objects.filter(
            kind=PlanChangeKind.STATUS, to_status__in=VALUE_STATUSES, at__gte=start, at__lt=end
        )
        .values("to_status")
        .annotate(plans=Count("plan_id", distinct=True))
        .order_by()
        .values_list("to_status", "plans")
    )
    counts = [
        ("Intakes sent", intakes["sent"]),
        ("Intakes submitted", intakes["submitted"]),
        ("Assessed", assessed),
        ("Plan presented", changes[PlanStatus.PRESENTED]),
        ("Plan accepted", changes[PlanStatus.ACCEPTED]),
        ("Course completed", changes[PlanStatus.COMPLETED]),
    ]
    steps = []
    for i, (label, count) in enumerate(counts):
        steps.append(FunnelStep(label, count, _rate(count, counts[i - 1][1]) if i else None))
    return steps


# --- Value of plans by month and treatment (2 queries) -----------------------------------------


@dataclass(frozen=True)
class ValueRow:
    month: date
    treatment: str
    plans: dict[str, int]  # status -> plans that reached it that month
    value: dict[str, Decimal]  # status -> their total


def plan_value(*, period: Period) -> list[ValueRow]:
    """Per month and treatment, for every month the period touches (whole months): the plans
    presented, accepted and completed in that month (when their status changed to it) and
    the sum of their totals at that change. Read from MonthlyPlanValue (2 queries: the
    months' totals and the catalog's treatment names)."""
    months = _months(period)
    rows = MonthlyPlanValue.objects.filter(
        month__range=(months[0], months[-1]), plans__gt=0
    ).values_list("month", "treatment_id", "to_status", "plans", "value")
    names = {
        pk: (order, name)
        for pk, order, name in Treatment.objects.values_list("pk", "sort_order", "name")
    }
    found: dict[tuple[date, str], ValueRow] = {}
    for month, treatment_id, to_status, plans, value in sorted(
        rows, key=lambda r: (r[0], names.get(r[1], (0, "")))
    ):
        key = (month, names.get(treatment_id, (0, "Unknown"))[1])
        row = found.setdefault(key, ValueRow(month, key[1], {}, {}))
        row.plans[to_status] = plans
        row.value[to_status] = value
    return list(found.values())


def _months(period: Period) -> list[date]:
    """The first day of each month the period touches."""
    months = [period.first.replace(day=1)]
    while months[-1] < period.last.replace(day=1):
        last = months[-1]
        months.append(date(last.year + last.month // 12, last.month % 12 + 1, 1))
    return months


# --- Utilisation per week (from WeeklyUtilisation; 3 queries + 1 per kind of resource) -------


@dataclass(frozen=True)
class UtilisationRow:
    kind: str  # "Provider", "Room", "Device"
    name: str
    week: date  # its Monday
    booked_minutes: int
    available_minutes: int
    sessions: int

    @property
    def utilisation(self) -> float | None:
        return _rate(self.booked_minutes, self.available_minutes)


@dataclass(frozen=True)
class Resource:
    kind: str  # ResourceKind value: "provider", "room", "device"
    id: int
    name: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


KIND_LABELS = dict(ResourceKind.choices)


def _weekly_minutes(rows) -> dict[int, int]:
    """Minutes open per weekday (0 = Monday) from hours rows (starts, ends)."""
    per_day: dict[int, int] = {}
    for weekday, starts, ends in rows:
        span = (ends.hour * 60 + ends.minute) - (starts.hour * 60 + starts.minute)
        per_day[weekday] = per_day.get(weekday, 0) + max(span, 0)
    return per_day


def weeks_of(period: Period) -> tuple[date, date]:
    """The Mondays of the first and the last week the period touches: utilisation is counted
    in whole weeks."""
    return (
        period.first - timedelta(days=period.first.weekday()),
        period.last - timedelta(days=period.last.weekday()),
    )


def utilisation_resources(*, period: Period) -> list[Resource]:
    """Every provider, room and device with a session in the period's weeks: providers, then
    rooms, then devices, each by name (1 query, then 1 per kind found)."""
    first, last = weeks_of(period)
    found: dict[str, set[int]] = {}
    for kind, resource_id in (
        # The key's index alone answers this (a resource whose sessions were all cancelled
        # since keeps its column, at 0%).
        WeeklyUtilisation.objects.filter(week__range=(first, last))
        .values_list("kind", "resource_id")
        .distinct()
        .order_by()
    ):
        found.setdefault(kind, set()).add(resource_id)
    out: list[Resource] = []
    if found.get(ResourceKind.PROVIDER):
        users = (
            get_user_model()
            .objects.filter(pk__in=found[ResourceKind.PROVIDER])
            .values_list("pk", "first_name", "last_name", "username")
        )
        out += sorted(
            (
                Resource(ResourceKind.PROVIDER, pk, f"{fn} {ln}".strip() or un)
                for pk, fn, ln, un in users
            ),
            key=lambda r: (r.name.lower(), r.id),
        )
    for kind, model in ((ResourceKind.ROOM, Room), (ResourceKind.DEVICE, Device)):
        if found.get(kind):
            out += [
                Resource(kind, pk, name)
                for pk, name in model.objects.filter(pk__in=found[kind])
                .order_by("name", "pk")
                .values_list("pk", "name")
            ]
    return out


def utilisation(*, period: Period, resources: list[Resource] | None = None) -> list[UtilisationRow]:
    """Booked minutes (booked, done and no-show sessions hold their resources) against the
    minutes available: a provider's working hours, the clinic's opening hours for rooms and
    devices; per whole week (Monday first) the period touches, for `resources` (default:
    every one with a session then). Rows follow the order of `resources`, then the week."""
    if resources is None:
        resources = utilisation_resources(period=period)
    if not resources:
        return []
    first, last = weeks_of(period)
    wanted = Q(pk__in=[])
    for kind in ResourceKind.values:
        ids = [r.id for r in resources if r.kind == kind]
        if ids:
            wanted |= Q(kind=kind, resource_id__in=ids)
    totals = {
        (kind, resource_id, week): (sessions, seconds)
        for kind, resource_id, week, sessions, seconds in WeeklyUtilisation.objects.filter(
            wanted, week__range=(first, last), sessions__gt=0
        ).values_list("kind", "resource_id", "week", "sessions", "seconds")
    }
    opening = _weekly_minutes(OpeningHours.objects.values_list("weekday", "starts", "ends"))
    grouped: dict[int, list] = {}
    provider_ids = [r.id for r in resources if r.kind == ResourceKind.PROVIDER]
    if provider_ids:
        for user_id, weekday, starts, ends in ProviderHours.objects.filter(
            profile__user_id__in=provider_ids
        ).values_list("profile__user_id", "weekday", "starts", "ends"):
            grouped.setdefault(user_id, []).append((weekday, starts, ends))
    provider_hours = {user_id: _weekly_minutes(rows) for user_id, rows in grouped.items()}
    weeks = [first + timedelta(days=7 * i) for i in range((last - first).days // 7 + 1)]
    out: list[UtilisationRow] = []
    for resource in resources:
        hours = (
            provider_hours.get(resource.id, {})
            if resource.kind == ResourceKind.PROVIDER
            else opening
        )
        for week in weeks:
            found = totals.get((resource.kind, resource.id, week))
            if found is None:
                continue
            sessions, seconds = found
            out.append(
                UtilisationRow(
                    resource.label,
                    resource.name,
                    week,
                    seconds // 60,
                    sum(hours.values()),
                    sessions,
                )
            )
    return out


# --- No-shows and cancellations (from DailyAttendance; 2 queries) ----------------------------


@dataclass(frozen=True)
class AttendanceRow:
    month: date
    appointments: int
    done: int
    no_shows: int
    cancelled: int

    @property
    def no_show_rate(self) -> float | None:
        """Of the sessions that were due (done or no-show)."""
        return _rate(self.no_shows, self.done + self.no_shows)

    @property
    def cancellation_rate(self) -> float | None:
        """Of every session booked for the month."""
        return _rate(self.cancelled, self.appointments)


def attendance(*, period: Period, now: datetime) -> list[AttendanceRow]:
    """Per month: sessions that started in the period and before `now`, how many were done,
    missed (no-show) or cancelled. Whole days before today come from the daily totals;
    today's sessions up to `now` from the appointments themselves."""
    today = timezone.localtime(now).date()
    counts: dict[date, dict[str, int]] = {}

    def add(day: date, status: str, n: int) -> None:
        month = counts.setdefault(day.replace(day=1), {})
        month[status] = month.get(status, 0) + n

    last_whole_day = min(period.last, today - timedelta(days=1))
    if period.first <= last_whole_day:
        for day, status, n in DailyAttendance.objects.filter(
            day__range=(period.first, last_whole_day), sessions__gt=0
        ).values_list("day", "status", "sessions"):
            add(day, status, n)
    if period.first <= today <= period.last:
        midnight = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
        for status, n in (
            Appointment.objects.filter(start__gte=midnight, start__lt=now)
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
            .order_by()
        ):
            add(today, status, n)
    return [
        AttendanceRow(
            month,
            sum(by_status.values()),
            by_status.get(AppointmentStatus.DONE, 0),
            by_status.get(AppointmentStatus.NO_SHOW, 0),
            by_status.get(AppointmentStatus.CANCELLED, 0),
        )
        for month, by_status in sorted(counts.items())
    ]


# --- Measured against assumed reduction (1 query) --------------------------------------------


def _sample_sd(n: int, mean: float | None, squares: float | None) -> float | None:
    if n < 2 or mean is None or squares is None:
        return None
    variance = (squares - n * mean * mean) / (n - 1)
    return math.sqrt(max(variance, 0.0))


@dataclass(frozen=True)
class OutcomeRow:
    treatment_id: int
    treatment: str
    area: str
    evidence: engine.Evidence


def outcome_evidence() -> list[OutcomeRow]:
    """Per treatment and area, each patient's latest measurement after at least one session
    becomes their reduction per session, 1 - (pinch / baseline) ** (1 / sessions before); SQL
    averages them (and their spread) per treatment and area; the engine adds the interval and
    says whether the evidence is enough to suggest updating the catalog's assumption."""
    plan = "appointment__plan_session__plan"
    number = "appointment__plan_session__number"
    later = TreatedArea.objects.filter(
        appointment__status=AppointmentStatus.DONE,
        pinch_mm__isnull=False,
        area_id=OuterRef("area_id"),
        **{plan: OuterRef(plan), f"{number}__gt": OuterRef(number)},
    )
    baseline = AssessmentArea.objects.filter(
        assessment_id=OuterRef(f"{plan}__assessment_id"), area_id=OuterRef("area_id")
    ).values("pinch_mm")[:1]
    sessions_before = Cast(F(number), FloatField()) - Value(1.0)
    rate = Value(1.0) - Power(
        Cast(F("pinch_mm"), FloatField()) / Cast(F("baseline"), FloatField()),
        Value(1.0) / F("sessions_before"),
    )
    rows = (
        TreatedArea.objects.filter(
            appointment__status=AppointmentStatus.DONE,
            pinch_mm__isnull=False,
            **{f"{number}__gte": 2, f"{plan}__assessment__isnull": False},
        )
        .filter(~Exists(later))
        .annotate(baseline=Subquery(baseline), sessions_before=sessions_before)
        .filter(baseline__gt=0)
        .annotate(rate=ExpressionWrapper(rate, output_field=FloatField()))
        .values(
            f"{plan}__treatment_id",
            f"{plan}__treatment__name",
            f"{plan}__treatment__sort_order",
            f"{plan}__treatment__reduction_percent",
            "area__name",
            "area__sort_order",
        )
        .annotate(
            n_patients=Count(f"{plan}__patient", distinct=True),
            n_sessions=Sum("sessions_before"),
            n_rows=Count("pk"),
            mean=Avg("rate"),
            # The spread from sums (SQLite's STDDEV_SAMP fails on a single row).
            squares=Sum(F("rate") * F("rate")),
        )
        .order_by(f"{plan}__treatment__sort_order", "area__sort_order")
    )
    return [
        OutcomeRow(
            r[f"{plan}__treatment_id"],
            r[f"{plan}__treatment__name"],
            r["area__name"],
            engine.treatment_evidence(
                assumed=float(r[f"{plan}__treatment__reduction_percent"]) / 100,
                n_patients=r["n_patients"],
                n_sessions=int(r["n_sessions"] or 0),
                mean=r["mean"],
                sd=_sample_sd(r["n_rows"], r["mean"], r["squares"]),
            ),
        )
        for r in rows
    ]
