"""Plans made from a mapped assessment: units from the map, the map kept with the plan (a
snapshot), and shown on the plan page, the printable quote and the PDF."""

import io
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.consultations.consultation_factories import TODAY, assessment_for, submit_intake
from treatments.catalog.models import ApplicatorType
from treatments.plans import services

pytestmark = pytest.mark.django_db

ZONE = [[26, 30], [34, 30], [34, 35], [26, 35]]  # 8 x 5 cm on the upper back: 40 sites
TWO_CUPS = [
    {"applicator": "cryo_large_cup", "x": 26, "y": 33},
    {"applicator": "cryo_large_cup", "x": 34, "y": 33},
]


@pytest.fixture(autouse=True)
def fixed_today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


@pytest.fixture
def assessment(provider):
    a = assessment_for(provider)  # upper back, 30 mm, large (4 units by the size table)
    submit_intake(a.patient)
    a.areas.update(zone_points=ZONE, placements=TWO_CUPS)
    return a


def make(assessment, provider, code):
    return services.plan_create_from_option(
        assessment=assessment, treatment_code=code, by=provider, today=TODAY
    )


def page(client, name, plan):
    return client.get(reverse(f"plans:{name}", args=[plan.patient_id, plan.pk]))


def test_an_injection_plan_takes_its_vials_from_the_grid(assessment, provider):
    plan = make(assessment, provider, "deoxycholic_injection")
    assert [s.areas[0]["units"] for s in plan.sessions.all()] == [4, 4]
    assert plan.subtotal == Decimal("4800.00")  # 4 vials x 2 sessions x 600
    assert plan.option["area_plans"][0]["explanation"] == "40 injection sites, 8 mL: 4 vials."
    (snapshot,) = plan.option["maps"]
    assert (snapshot["area"], snapshot["view"], len(snapshot["sites"])) == (
        "upper_back",
        "back",
        40,
    )
    assert snapshot["placements"] == []  # the cups belong to the other treatment


def test_a_cryolipolysis_plan_follows_the_placements(assessment, provider):
    plan = make(assessment, provider, "cryolipolysis")
    sessions = plan.sessions.count()
    assert all(s.areas[0]["units"] == 2 for s in plan.sessions.all())
    assert all(s.duration_minutes == 15 + 2 * 35 for s in plan.sessions.all())
    assert plan.subtotal == Decimal("750.00") * 2 * sessions
    (snapshot,) = plan.option["maps"]
    assert [p["name"] for p in snapshot["placements"]] == ["Large vacuum cup"] * 2
    assert snapshot["sites"] == []


def test_the_plan_keeps_its_map_when_the_catalog_changes(assessment, provider, client_for):
    plan = make(assessment, provider, "cryolipolysis")
    ApplicatorType.objects.filter(code="cryo_large_cup").update(
        name="Renamed cup", price_per_cycle=Decimal("999.00"), width_cm=20
    )
    assessment.areas.update(placements=[])
    content = page(client_for(provider), "plan-detail", plan).content.decode()
    assert "Large vacuum cup" in content and "Renamed cup" not in content
    assert content.count("<g data-map-placement>") == 2
    plan.refresh_from_db()
    assert plan.subtotal == Decimal("750.00") * 2 * plan.sessions.count()


def test_the_plan_page_and_the_quote_draw_the_map(assessment, provider, client_for):
    plan = make(assessment, provider, "deoxycholic_injection")
    client = client_for(provider)
    for name in ("plan-detail", "plan-quote"):
        content = page(client, name, plan).content.decode()
        assert 'data-testid="plan-maps"' in content
        assert "<svg" in content
        assert content.count("data-map-site") == 40
        assert "40 injection sites, 8 mL: 4 vials." in content


def test_the_pdf_shows_the_map(assessment, provider, client_for):
    plan = make(assessment, provider, "cryolipolysis")
    response = page(client_for(provider), "plan-quote-pdf", plan)
    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Treatment map" in text
    assert "Upper back · Back view · cm" in text  # drawn by the SVG itself, not the caption
    assert "Large vacuum cup at 26, 33 cm" in text
    assert "2 placements (2 x Large vacuum cup (35 min)): 2 cycles" in text


def test_a_plan_without_a_map_shows_none(provider, client_for):
    a = assessment_for(provider)
    submit_intake(a.patient)
    plan = make(a, provider, "cryolipolysis")
    assert plan.option["maps"] == []
    assert all(s.areas[0]["units"] == 4 for s in plan.sessions.all())  # the size table
    assert (
        'data-testid="plan-maps"'
        not in page(client_for(provider), "plan-detail", plan).content.decode()
    )


def test_adjusting_a_mapped_plan_still_prices_it(assessment, provider):
    plan = make(assessment, provider, "deoxycholic_injection")
    sessions = list(plan.sessions.all())
    adjusted = services.plan_adjust(
        plan=plan,
        by=provider,
        today=TODAY,
        session_count=3,
        start_date=plan.start_date,
        dates=[s.planned_date for s in sessions],
        units={"upper_back": 4},
        extra_discount=None,
        extra_discount_reason="",
        internal_notes="",
        patient_notes="",
    )
    assert adjusted.sessions.count() == 3
    assert adjusted.option["maps"][0]["area"] == "upper_back"
