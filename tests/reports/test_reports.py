"""The reports: who may read which, the numbers (aggregated in SQL), bad dates, CSV, and a
fixed number of queries however much data there is."""

import csv
import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.appointments.factories import (
    accepted_plan,
    appointment_at,
    area,
    setup_clinic,
)
from tests.consultations.consultation_factories import AssessmentFactory, add_area
from tests.consultations.factories import IntakeFactory, seed_questionnaire
from treatments.appointments.models import TreatedArea
from treatments.engine.outcomes import per_session_rate
from treatments.plans.models import PlanStatusChange
from treatments.reports import selectors as sel

pytestmark = pytest.mark.django_db

BUSINESS = reverse("reports:business")
UTILISATION = reverse("reports:utilisation")
OUTCOMES = reverse("reports:outcomes")


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def status_history(plan, day, *statuses):
    for status in statuses:
        change = PlanStatusChange.objects.create(plan=plan, to_status=status)
        change.at = _at(day)
        change.save(update_fields=["at"])


SLOTS = itertools.count()  # one provider: the database refuses overlapping sessions


def measured_course(
    provider, *, pinch_at: list[str], baseline=30, day=None, treatment="cryolipolysis"
):
    """A plan with an assessment (baseline pinch on the abdomen) and done sessions measuring
    `pinch_at` (session 1, 2, ...), a week apart in the past."""
    assessment = AssessmentFactory(provider=provider)
    add_area(assessment, "abdomen", baseline, "medium")
    plan = accepted_plan(
        treatment=treatment,
        sessions=len(pinch_at),
        patient=assessment.patient,
        status="in_progress",
        areas=[{"area": "abdomen", "units": 2, "unit": "cycle"}],
    )
    plan.assessment = assessment
    plan.save(update_fields=["assessment"])
    day = day or timezone.localdate() - datetime.timedelta(days=90)
    for session, pinch in zip(plan.sessions.order_by("number"), pinch_at, strict=True):
        slot = next(SLOTS)
        a = appointment_at(
            session,
            _at(_weekday(day + datetime.timedelta(days=7 * (session.number - 1))), 8)
            + datetime.timedelta(minutes=30 * (slot % 20), days=slot // 20),
            provider=provider,
            status="done",
        )
        TreatedArea.objects.create(appointment=a, area=area("abdomen"), pinch_mm=Decimal(pinch))
    return plan


def _weekday(day):
    return day + datetime.timedelta(days=2) if day.weekday() >= 5 else day


@pytest.fixture
def data(provider):
    """A month's worth of activity, 60 days ago (a weekday)."""
    clinic = setup_clinic(provider)
    seed_questionnaire()
    day = _weekday(timezone.localdate() - datetime.timedelta(days=60))
    for n in range(4):
        intake = IntakeFactory(created_at=_at(day))
        if n < 3:
            intake.submitted_at = _at(day, 12)
            intake.save(update_fields=["submitted_at"])
    for _ in range(2):
        AssessmentFactory(provider=provider, assessed_on=day)
    plans = []
    for total, statuses in (
        ("1000.00", ("presented", "accepted", "completed")),
        ("2000.00", ("presented", "accepted")),
        ("4000.00", ("presented",)),
    ):
        plan = accepted_plan(treatment="cryolipolysis", sessions=2, start=day)
        plan.total = Decimal(total)
        plan.save(update_fields=["total"])
        status_history(plan, day, *statuses)
        plans.append(plan)
    sessions = list(plans[0].sessions.all()) + list(plans[1].sessions.all())
    room, device = clinic.rooms[0], clinic.devices[0]
    kw = {"provider": provider, "room": room, "device": device}
    appointment_at(sessions[0], _at(day, 9), status="done", **kw)  # 30 minutes each
    appointment_at(sessions[1], _at(day, 10), status="done", **kw)
    appointment_at(sessions[2], _at(day, 11), status="no_show", **kw)
    appointment_at(sessions[3], _at(day, 12), status="cancelled", **kw)
    return {"day": day, "clinic": clinic, "plans": plans}


def period_around(day):
    return sel.Period(day - datetime.timedelta(days=3), day + datetime.timedelta(days=3))


# --- Numbers ---------------------------------------------------------------------------------


def test_funnel_counts_each_step_and_its_conversion(data):
    steps = sel.funnel(period=period_around(data["day"]))
    assert [(s.label, s.count) for s in steps] == [
        ("Intakes sent", 4),
        ("Intakes submitted", 3),
        ("Assessed", 2),
        ("Plan presented", 3),
        ("Plan accepted", 2),
        ("Course completed", 1),
    ]
    assert steps[0].conversion is None
    assert steps[1].conversion == pytest.approx(0.75)
    assert steps[5].conversion == pytest.approx(0.5)


def test_funnel_leaves_out_what_happened_outside_the_period(data):
    later = data["day"] + datetime.timedelta(days=10)
    assert all(s.count == 0 for s in sel.funnel(period=sel.Period(later, later)))


def test_plan_value_by_month_and_treatment(data):
    rows = sel.plan_value(period=period_around(data["day"]))
    assert len(rows) == 1
    row = rows[0]
    assert row.month == data["day"].replace(day=1)
    assert row.treatment == "Cryolipolysis (fat freezing)"
    assert row.plans == {"presented": 3, "accepted": 2, "completed": 1}
    assert row.value == {
        "presented": Decimal("7000.00"),
        "accepted": Decimal("3000.00"),
        "completed": Decimal("1000.00"),
    }


def test_utilisation_per_provider_room_and_device_per_week(data, provider):
    rows = sel.utilisation(
        period=sel.Period(_monday(data["day"]), _monday(data["day"]) + datetime.timedelta(days=6))
    )
    by_kind = {r.kind: r for r in rows}
    assert set(by_kind) == {"Provider", "Room", "Device"}
    # Done and no-show hold the resources (3 x 30 min); the cancelled one does not.
    assert {r.booked_minutes for r in rows} == {90} and {r.sessions for r in rows} == {3}
    assert by_kind["Provider"].name == "Priya Provider"
    assert by_kind["Provider"].available_minutes == 5 * 8 * 60  # Monday-Friday 9-17
    assert by_kind["Room"].available_minutes == 6 * 8 * 60  # open Monday-Saturday 9-17
    assert by_kind["Provider"].utilisation == pytest.approx(90 / 2400)
    assert all(r.week == _monday(data["day"]) for r in rows)


def test_attendance_rates(data):
    (row,) = sel.attendance(period=period_around(data["day"]), now=timezone.now())
    assert (row.appointments, row.done, row.no_shows, row.cancelled) == (4, 2, 1, 1)
    assert row.no_show_rate == pytest.approx(1 / 3)
    assert row.cancellation_rate == pytest.approx(1 / 4)


def test_outcome_evidence_uses_each_patients_latest_measurement(provider):
    setup_clinic(provider)
    # Latest after 2 sessions: 30 -> 19.2 is exactly 20% per session.
    measured_course(provider, pinch_at=["30", "24", "19.2"])
    # Latest after 1 session: 30 -> 27 is 10%.
    measured_course(provider, pinch_at=["30", "27"])
    # Only measured before the first treatment: no evidence yet.
    measured_course(provider, pinch_at=["30"])
    (row,) = sel.outcome_evidence()
    e = row.evidence
    assert (row.treatment, row.area) == ("Cryolipolysis (fat freezing)", "Abdomen")
    assert (e.n_patients, e.n_sessions) == (2, 3)
    rates = [per_session_rate(30, 19.2, 2), per_session_rate(30, 27, 1)]
    assert e.mean == pytest.approx(sum(rates) / 2)
    assert e.ci_low < e.mean < e.ci_high
    assert e.assumed == pytest.approx(0.20)
    assert not e.suggest_update  # two patients are too few


def test_enough_evidence_suggests_an_update_to_clinic_admins_only(
    provider, clinic_admin, client_for
):
    setup_clinic(provider)
    for pinch in ("25.2", "25.5", "25.8", "25.3", "25.6", "25.1", "25.9", "25.4", "25.7", "25.5"):
        measured_course(provider, pinch_at=["30", pinch])  # about 15% against 20% assumed
    (row,) = sel.outcome_evidence()
    assert row.evidence.n_patients == 10 and row.evidence.suggest_update
    page = client_for(clinic_admin).get(OUTCOMES).content.decode()
    assert "Update the assumption to about 15.0% in the catalog admin" in page
    assert reverse("admin:treatments_treatment_change", args=[row.treatment_id]) in page
    page = client_for(provider).get(OUTCOMES).content.decode()
    assert "Measured" in page and "catalog admin" not in page


# --- Access: nobody but Clinic admins sees money -----------------------------------------------


@pytest.mark.parametrize(
    ("persona", "business", "utilisation", "outcomes"),
    [
        ("clinic_admin", 200, 200, 200),
        ("provider", 403, 403, 200),
        ("front_desk", 403, 200, 403),
        ("outsider", 403, 403, 403),
    ],
)
def test_who_reads_which_report(request, client_for, persona, business, utilisation, outcomes):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(BUSINESS).status_code == business
    assert client.get(f"{BUSINESS}?export=value").status_code == business
    assert client.get(UTILISATION).status_code == utilisation
    assert client.get(OUTCOMES).status_code == outcomes


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(UTILISATION)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_front_desk_and_providers_see_no_money(data, front_desk, provider, client_for):
    for user, url in ((front_desk, UTILISATION), (provider, OUTCOMES)):
        page = client_for(user).get(url).content.decode()
        assert "$" not in page
    nav = client_for(front_desk).get("/").content.decode()
    assert "Business reports" not in nav and "Utilisation" in nav


# --- Dates, CSV ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("first=2026-13-01", "Enter a date like 2026-06-01."),
        ("first=yesterday&last=2026-01-01", "Enter a date like 2026-06-01."),
        ("first=2026-06-01&last=2026-05-01", "The end date must be on or after the start date."),
        ("first=2020-01-01&last=2026-01-01", "Choose a range of at most two years."),
    ],
)
def test_bad_dates_get_a_clear_message(clinic_admin, client_for, query, message):
    for url in (BUSINESS, UTILISATION):
        response = client_for(clinic_admin).get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.content.decode()
        assert 'data-testid="report-' not in response.content.decode().replace("report-filter", "")


def test_each_table_downloads_as_csv(data, clinic_admin, client_for):
    day = data["day"]
    query = f"first={day - datetime.timedelta(days=3)}&last={day + datetime.timedelta(days=3)}"
    client = client_for(clinic_admin)
    response = client.get(f"{BUSINESS}?{query}&export=funnel")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="business-funnel.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Step", "Count", "Conversion from the step before"]
    assert rows[1] == ["Intakes sent", "4", "-"] and rows[2] == ["Intakes submitted", "3", "75.0%"]
    value = list(
        csv.reader(io.StringIO(client.get(f"{BUSINESS}?{query}&export=value").content.decode()))
    )
    assert value[1][:4] == [
        day.replace(day=1).strftime("%b %Y"),
        "Cryolipolysis (fat freezing)",
        "3",
        "$7,000.00",
    ]
    for url, table in ((BUSINESS, "attendance"), (UTILISATION, "utilisation")):
        response = client.get(f"{url}?{query}&export={table}")
        assert (
            response["Content-Type"].startswith("text/csv")
            and len(response.content.splitlines()) > 1
        )


def test_the_page_draws_its_charts_as_svg(data, clinic_admin, client_for):
    page = client_for(clinic_admin).get(BUSINESS).content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert "<title>Funnel</title>" in page


# --- A fixed number of queries ---------------------------------------------------------------


# Every page: the session, the user, the user's and the groups' permissions, the roles in the
# header (5); then the report's own: funnel 2 + value 2 + attendance 2 (the daily totals, and
# today's sessions so far); utilisation: its resources 1 + their names 3 (providers, rooms,
# devices) + their weekly totals 1 + 2 tables of hours; outcomes 1.
PAGE = 5


@pytest.mark.parametrize(
    ("url", "queries"),
    [(BUSINESS, PAGE + 2 + 2 + 2), (UTILISATION, PAGE + 1 + 3 + 1 + 2), (OUTCOMES, PAGE + 1)],
)
def test_each_report_takes_a_fixed_number_of_queries(
    data, provider, clinic_admin, client_for, django_assert_num_queries, url, queries
):
    client = client_for(clinic_admin)
    client.get(url)  # warm caches (content types)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    # More of everything: still the same number.
    for _ in range(3):
        measured_course(provider, pinch_at=["30", "26", "22"])
    accepted_plan(treatment="laser_lipolysis", sessions=1)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
