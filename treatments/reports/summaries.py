"""The reports' running totals (`WeeklyUtilisation`, `DailyAttendance`), kept equal to the
appointments.

Every saved or deleted appointment moves its old contribution out and its new one in, inside
the same transaction, with relative updates (`sessions = sessions + 1`), so two bookings at
once cannot lose each other's counts. Writers that bypass model signals (`bulk_create`, COPY,
`QuerySet.update` of a tracked field) send `appointments_replaced` afterwards, which rebuilds
the totals from the appointments; `manage.py rebuild_report_summaries` does the same by hand.
tests/reports/test_summaries.py drives bookings, moves, status changes and deletes and
compares the totals with the live aggregate after each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

# Plain strings, so the data migration can use them with historical models.
ACTIVE = ("booked", "done", "no_show")
TRACKED = ("start", "end", "status", "provider_id", "room_id", "device_id")
KINDS = (("provider", "provider_id"), ("room", "room_id"), ("device", "device_id"))


@dataclass(frozen=True)
class Contribution:
    """What one appointment adds to the totals."""

    day: date
    status: str
    seconds: int
    resources: tuple[tuple[str, int], ...]  # (kind, id) of each resource it holds

    @property
    def week(self) -> date:
        return self.day - timedelta(days=self.day.weekday())


def contribution(values: dict) -> Contribution | None:
    start, end = values.get("start"), values.get("end")
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    resources = tuple(
        (kind, int(values[attr])) for kind, attr in KINDS if values.get(attr) is not None
    )
    return Contribution(
        day=timezone.localtime(start).date(),
        status=str(values.get("status") or ""),
        seconds=int((end - start).total_seconds()),
        resources=resources,
    )


def _models():
    from treatments.reports.models import DailyAttendance, WeeklyUtilisation

    return DailyAttendance, WeeklyUtilisation


def _value_model():
    from treatments.reports.models import MonthlyPlanValue

    return MonthlyPlanValue


def apply(change: Contribution, sign: int) -> None:
    """Add (`sign` 1) or take away (-1) one appointment's contribution."""
    daily, weekly = _models()
    daily.objects.bulk_create([daily(day=change.day, status=change.status)], ignore_conflicts=True)
    daily.objects.filter(day=change.day, status=change.status).update(sessions=F("sessions") + sign)
    if change.status not in ACTIVE or not change.resources:
        return
    weekly.objects.bulk_create(
        [weekly(week=change.week, kind=k, resource_id=i) for k, i in change.resources],
        ignore_conflicts=True,
    )
    for kind, resource_id in change.resources:
        weekly.objects.filter(week=change.week, kind=kind, resource_id=resource_id).update(
            sessions=F("sessions") + sign, seconds=F("seconds") + sign * change.seconds
        )


def _values(instance) -> dict:
    return {name: getattr(instance, name) for name in TRACKED}


# --- Signal receivers (connected in ReportsConfig.ready) -------------------------------------


def before_save(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    instance._report_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not {f.removesuffix("_id") for f in update_fields} & {
        t.removesuffix("_id") for t in TRACKED
    }:
        instance._report_before = "untouched"
        return
    instance._report_before = (
        sender._default_manager.filter(pk=instance.pk).values(*TRACKED).first()
    )


def after_save(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_report_before", None)
    if before == "untouched":
        return
    old = contribution(before) if before else None
    new = contribution(_values(instance))
    if old == new:
        return
    with transaction.atomic():
        if old is not None:
            apply(old, -1)
        if new is not None:
            apply(new, 1)


def after_delete(sender, instance, **kwargs) -> None:
    old = contribution(_values(instance))
    if old is not None:
        apply(old, -1)


def after_bulk_write(sender, **kwargs) -> None:
    rebuild()
    rebuild_plan_value()


# --- Plan status changes: the value of plans per month -----------------------------------------

VALUE_STATUSES = ("presented", "accepted", "completed")
CHANGE_TRACKED = ("plan_id", "kind", "to_status", "at", "treatment_id", "plan_total")


@dataclass(frozen=True)
class ValueKey:
    plan_id: int
    month: date
    treatment_id: int
    to_status: str
    total: Decimal

    def group(self) -> dict:
        return {"month": self.month, "treatment_id": self.treatment_id, "to_status": self.to_status}


def value_key(values: dict | None) -> ValueKey | None:
    """What a status change counts in MonthlyPlanValue, or None when it counts nothing."""
    if not values or values.get("kind") != "status":
        return None
    if values.get("to_status") not in VALUE_STATUSES or not isinstance(values.get("at"), datetime):
        return None
    return ValueKey(
        plan_id=values["plan_id"],
        month=timezone.localtime(values["at"]).date().replace(day=1),
        treatment_id=values.get("treatment_id") or 0,
        to_status=values["to_status"],
        total=values.get("plan_total") or Decimal(0),
    )


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return (
        datetime.combine(month, time.min, tzinfo=tz),
        datetime.combine(following, time.min, tzinfo=tz),
    )


def _plan_counted_elsewhere(sender, key: ValueKey, exclude_pk) -> bool:
    """Whether another change of the same plan already counts it in the key's group."""
    first, after = _month_bounds(key.month)
    others = sender._default_manager.filter(
        plan_id=key.plan_id,
        kind="status",
        to_status=key.to_status,
        at__gte=first,
        at__lt=after,
    ).exclude(pk=exclude_pk)
    if key.treatment_id:
        others = others.filter(treatment_id=key.treatment_id)
    else:
        others = others.filter(treatment_id__isnull=True)
    return others.exists()


def apply_value(sender, key: ValueKey, sign: int, exclude_pk) -> None:
    model = _value_model()
    model.objects.bulk_create([model(**key.group())], ignore_conflicts=True)
    plans = 0 if _plan_counted_elsewhere(sender, key, exclude_pk) else sign
    model.objects.filter(**key.group()).update(
        plans=F("plans") + plans, value=F("value") + sign * key.total
    )


def change_before_save(sender, instance, raw=False, **kwargs) -> None:
    instance._report_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._report_before = (
        sender._default_manager.filter(pk=instance.pk).values(*CHANGE_TRACKED).first()
    )


def change_after_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    old = value_key(getattr(instance, "_report_before", None))
    new = value_key({name: getattr(instance, name) for name in CHANGE_TRACKED})
    if old == new:
        return
    with transaction.atomic():
        if old is not None:
            apply_value(sender, old, -1, instance.pk)
        if new is not None:
            apply_value(sender, new, 1, instance.pk)


def change_after_delete(sender, instance, **kwargs) -> None:
    old = value_key({name: getattr(instance, name) for name in CHANGE_TRACKED})
    if old is not None:
        apply_value(sender, old, -1, instance.pk)


def rebuild_plan_value(change_model=None, value_model=None) -> int:
    """Recompute MonthlyPlanValue from the status changes; returns the rows written."""
    if change_model is None:
        from treatments.plans.models import PlanStatusChange as change_model
    if value_model is None:
        value_model = _value_model()
    with transaction.atomic():
        value_model.objects.all().delete()
        rows = (
            change_model._default_manager.filter(kind="status", to_status__in=VALUE_STATUSES)
            .annotate(month=TruncMonth("at", output_field=DateField()))
            .values("month", "treatment_id", "to_status")
            .annotate(plans=Count("plan_id", distinct=True), value=Sum("plan_total"))
            .order_by()
        )
        written = 0
        for batch in _batched(
            value_model(
                month=r["month"],
                treatment_id=r["treatment_id"] or 0,
                to_status=r["to_status"],
                plans=r["plans"],
                value=r["value"] or Decimal(0),
            )
            for r in rows.iterator()
        ):
            value_model.objects.bulk_create(batch)
            written += len(batch)
    return written


# --- Rebuilding from the appointments --------------------------------------------------------


def _seconds(value) -> int:
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return int(value) // 1_000_000  # microseconds (SQLite's raw durations)


def _batched(rows: Iterable, size: int = 5000):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild(appointment_model=None, daily=None, weekly=None) -> tuple[int, int]:
    """Recompute both tables from the appointments; returns the rows written (daily,
    weekly). The models default to the live ones (a migration passes its historical ones)."""
    if appointment_model is None:
        from treatments.appointments.models import Appointment as appointment_model
    if daily is None or weekly is None:
        daily, weekly = _models()
    appointments = appointment_model._default_manager.order_by()
    with transaction.atomic():
        daily.objects.all().delete()
        weekly.objects.all().delete()
        days = (
            appointments.annotate(day=TruncDate("start"))
            .values("day", "status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        written_daily = 0
        for batch in _batched(
            daily(day=r["day"], status=r["status"], sessions=r["n"]) for r in days.iterator()
        ):
            daily.objects.bulk_create(batch)
            written_daily += len(batch)
        held = appointments.filter(status__in=ACTIVE).annotate(
            w=TruncWeek("start", output_field=DateField()),
            length=ExpressionWrapper(F("end") - F("start"), output_field=DurationField()),
        )
        written_weekly = 0
        for kind, attr in KINDS:
            rows = (
                held.filter(**{f"{attr}__isnull": False})
                .values("w", attr)
                .annotate(n=Count("pk"), total=Sum("length"))
                .order_by()
            )
            for batch in _batched(
                weekly(
                    week=r["w"],
                    kind=kind,
                    resource_id=r[attr],
                    sessions=r["n"],
                    seconds=_seconds(r["total"]),
                )
                for r in rows.iterator()
            ):
                weekly.objects.bulk_create(batch)
                written_weekly += len(batch)
    return written_daily, written_weekly
