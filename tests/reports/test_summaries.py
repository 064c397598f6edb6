"""The reports' running totals stay equal to the appointments they summarise: after every
booking, move, change of provider, room or device, status change and delete, and after a
bulk write announced with `appointments_replaced`."""

import datetime
import random
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from tests.appointments.factories import accepted_plan, appointment_at, setup_clinic
from treatments.appointments.models import Appointment
from treatments.appointments.signals import appointments_replaced
from treatments.plans.models import PlanStatusChange
from treatments.reports import selectors as sel
from treatments.reports import summaries
from treatments.reports.models import DailyAttendance, MonthlyPlanValue, WeeklyUtilisation

pytestmark = pytest.mark.django_db

STATUSES = ("booked", "done", "no_show", "cancelled")
VALUE = ("presented", "accepted", "completed")


def live_totals() -> tuple[dict, dict]:
    """What the tables should hold, computed here from every appointment, in Python."""
    daily: dict = {}
    weekly: dict = {}
    for a in Appointment.objects.all():
        day = timezone.localtime(a.start).date()
        daily[(day, a.status)] = daily.get((day, a.status), 0) + 1
        if a.status == "cancelled":
            continue
        week = day - datetime.timedelta(days=day.weekday())
        seconds = int((a.end - a.start).total_seconds())
        for kind, rid in (
            ("provider", a.provider_id),
            ("room", a.room_id),
            ("device", a.device_id),
        ):
            if rid is not None:
                n, s = weekly.get((week, kind, rid), (0, 0))
                weekly[(week, kind, rid)] = (n + 1, s + seconds)
    return daily, weekly


def stored_totals() -> tuple[dict, dict]:
    daily = {
        (d, s): n
        for d, s, n in DailyAttendance.objects.values_list("day", "status", "sessions")
        if n
    }
    weekly = {
        (w, k, r): (n, s)
        for w, k, r, n, s in WeeklyUtilisation.objects.values_list(
            "week", "kind", "resource_id", "sessions", "seconds"
        )
        if n or s
    }
    return daily, weekly


def assert_in_step() -> None:
    assert stored_totals() == live_totals()


@pytest.fixture
def clinic(provider):
    setup = setup_clinic(provider, rooms=2)
    other = get_user_model().objects.create_user("second", first_name="Sam", last_name="Other")
    # One appointment per plan session (the database allows one that holds it).
    sessions = [
        session
        for _ in range(12)
        for session in accepted_plan(treatment="cryolipolysis", sessions=6).sessions.all()
    ]
    return setup, [provider, other], sessions


def test_every_kind_of_change_keeps_the_totals_equal_to_the_appointments(clinic):
    setup, providers, sessions = clinic
    unused = iter(sessions)
    rng = random.Random(7)
    base = timezone.make_aware(datetime.datetime(2026, 3, 2, 8))
    slots = iter(range(10_000))  # each start is used once: nothing overlaps

    def fresh_start() -> datetime.datetime:
        n = next(slots)
        # Spread over several weeks and across local midnight's neighbourhood.
        return base + datetime.timedelta(days=(n * 3) % 40, minutes=45 * (n % 19))

    for step in range(60):
        existing = list(Appointment.objects.all())
        action = rng.choice(
            ["book", "book", "move", "status", "resources", "length", "delete", "notes"]
        )
        if action == "book" or not existing:
            appointment_at(
                next(unused),
                fresh_start(),
                provider=rng.choice(providers),
                room=rng.choice([None, *setup.rooms]),
                device=rng.choice([None, *setup.devices]),
                status=rng.choice(STATUSES),
            )
        else:
            a = rng.choice(existing)
            if action == "move":
                length = a.end - a.start
                a.start = fresh_start()
                a.end = a.start + length
                a.save()
            elif action == "status":
                a.status = rng.choice(STATUSES)
                a.save(update_fields=["status"])
            elif action == "resources":
                a.provider = rng.choice(providers)
                a.room = rng.choice([None, *setup.rooms])
                a.device = rng.choice([None, *setup.devices])
                a.save()
            elif action == "length":
                a.end = a.start + datetime.timedelta(minutes=rng.choice([15, 30, 50, 90]))
                a.save()
            elif action == "delete":
                a.delete()
            else:  # a change the totals do not depend on
                a.status_reason = f"note {step}"
                a.save(update_fields=["status_reason"])
        assert_in_step()
    assert Appointment.objects.count() > 5


def test_a_bulk_write_announced_rebuilds_the_totals(clinic):
    setup, providers, sessions = clinic
    start = timezone.make_aware(datetime.datetime(2026, 4, 6, 10))
    Appointment.objects.bulk_create(
        [
            Appointment(
                plan_session=sessions[i],
                start=start + datetime.timedelta(hours=i),
                end=start + datetime.timedelta(hours=i, minutes=30),
                provider=providers[0],
                room=setup.rooms[0],
                status="done",
            )
            for i in range(3)
        ]
    )
    assert stored_totals() != live_totals()  # bulk_create sends no model signals
    appointments_replaced.send(sender=None)
    assert_in_step()
    WeeklyUtilisation.objects.all().delete()
    call_command("rebuild_report_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert_in_step()


def test_the_utilisation_report_reads_the_totals(clinic):
    setup, providers, sessions = clinic
    monday = datetime.date(2026, 3, 2)
    at = timezone.make_aware(datetime.datetime(2026, 3, 4, 10))
    appointment_at(sessions[0], at, provider=providers[0], room=setup.rooms[0], status="done")
    appointment_at(
        sessions[1], at + datetime.timedelta(hours=2), provider=providers[0], status="cancelled"
    )
    # A period that starts mid-week still counts the whole week.
    period = sel.Period(monday + datetime.timedelta(days=2), monday + datetime.timedelta(days=3))
    rows = sel.utilisation(period=period)
    assert {(r.kind, r.week, r.sessions) for r in rows} == {
        ("Provider", monday, 1),
        ("Room", monday, 1),
    }
    assert summaries.contribution({"start": None}) is None


# --- The value of plans per month ----------------------------------------------------------


def live_plan_value() -> dict:
    groups: dict = {}
    for c in PlanStatusChange.objects.filter(kind="status", to_status__in=VALUE):
        key = (
            timezone.localtime(c.at).date().replace(day=1),
            c.treatment_id or 0,
            c.to_status,
        )
        plans, value = groups.get(key, (set(), Decimal(0)))
        groups[key] = (plans | {c.plan_id}, value + (c.plan_total or 0))
    return {k: (len(p), v) for k, (p, v) in groups.items()}


def stored_plan_value() -> dict:
    return {
        (m, t, s): (n, v)
        for m, t, s, n, v in MonthlyPlanValue.objects.values_list(
            "month", "treatment_id", "to_status", "plans", "value"
        )
        if n or v
    }


def test_status_changes_keep_the_monthly_plan_value_equal_to_the_changes(provider):
    rng = random.Random(11)
    plans = [accepted_plan(treatment="cryolipolysis", sessions=1) for _ in range(4)]
    plans += [accepted_plan(treatment="laser_lipolysis", sessions=1) for _ in range(2)]
    # Around month ends, where local time and UTC disagree about the month.
    moments = [
        timezone.make_aware(datetime.datetime(2026, month, day, hour))
        for month, day, hour in ((3, 31, 22), (4, 1, 1), (4, 15, 12), (5, 31, 23), (6, 2, 9))
    ]
    for _ in range(70):
        changes = list(PlanStatusChange.objects.all())
        action = rng.choice(["add", "add", "add", "move", "status", "total", "delete"])
        if action == "add" or not changes:
            change = PlanStatusChange.objects.create(
                plan=rng.choice(plans),
                to_status=rng.choice([*VALUE, "draft", "declined"]),
                kind=rng.choice(["status", "status", "status", "adjusted"]),
            )
            change.at = rng.choice(moments)
            change.save(update_fields=["at"])
        else:
            change = rng.choice(changes)
            if action == "move":
                change.at = rng.choice(moments)
            elif action == "status":
                change.to_status = rng.choice([*VALUE, "draft"])
            elif action == "total":
                change.plan_total = Decimal(rng.choice([500, 1200, 2400]))
            if action == "delete":
                change.delete()
            else:
                change.save()
        assert stored_plan_value() == live_plan_value()
    # A queryset delete (as a deleted plan cascades) sends a signal per change.
    doomed = plans[0]
    doomed.status_changes.all().delete()
    assert stored_plan_value() == live_plan_value()
    summaries.rebuild_plan_value()
    assert stored_plan_value() == live_plan_value()
