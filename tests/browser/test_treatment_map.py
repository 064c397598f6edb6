"""The treatment map on a tablet: outline the upper back, see the injection grid and vials,
place two cryolipolysis applicators, generate a plan whose cost follows them, and find the
map in the PDF."""

import io
from decimal import Decimal

import pytest
from django.apps import apps
from playwright.sync_api import expect
from pypdf import PdfReader

from consultations.migrations._consent_seed import seed_consent_texts
from consultations.migrations._seed import seed_default_questionnaire
from consultations.models import AssessmentArea
from tests.conftest import login
from tests.consultations.consultation_factories import PatientFactory, submit_intake
from treatments.catalog.seed import seed_all
from treatments.plans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog(roles):
    seed_all(apps)
    seed_default_questionnaire(apps)
    seed_consent_texts(apps, "plans")


@pytest.fixture
def tablet(browser):
    context = browser.new_context(
        viewport={"width": 1024, "height": 768}, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def tap_cm(page, svg, x_cm: float, y_cm: float, width_cm: float = 60, height_cm: float = 110):
    """Tap the diagram at a point given in centimetres on the body."""
    # The preview is redrawn from the server after each change: measure the one on the page.
    box = None
    for _ in range(50):
        svg.wait_for(state="visible")
        box = svg.bounding_box()
        if box:
            break
        svg.page.wait_for_timeout(100)
    assert box, "the map never settled"
    svg.tap(position={"x": box["width"] * x_cm / width_cm, "y": box["height"] * y_cm / height_cm})


def test_provider_maps_the_upper_back_and_the_plan_follows(live_server, tablet, catalog, provider):
    page = tablet
    patient = PatientFactory(first_name="Mara", last_name="Quint")
    submit_intake(patient)
    login(page, live_server.url, provider)
    page.goto(f"{live_server.url}/patients/{patient.pk}/assessments/new/")
    page.locator("select[name='areas-0-area']").select_option(label="Upper back")
    page.locator("input[name='areas-0-pinch_mm']").fill("30")
    page.locator("select[name='areas-0-size']").select_option("large")

    # Outline an 8 x 5 cm zone on the upper back with a finger: four taps.
    page.get_by_text("Treatment map: outline the zone").tap()
    svg = page.locator("[data-map-preview] svg")
    expect(svg).to_be_visible()
    for x, y in [(26, 30), (34, 30), (34, 35), (26, 35)]:
        corners = page.locator("[data-map-corner]").count()
        tap_cm(page, page.locator("[data-map-preview] svg"), x, y)
        expect(page.locator("[data-map-corner]")).to_have_count(corners + 1)
    expect(page.locator("input[name='areas-0-zone_points']")).to_have_value(
        "26, 30; 34, 30; 34, 35; 26, 35"
    )
    # The grid and the vials: 40 sites, 8 mL, 4 vials.
    expect(page.locator("[data-map-site]")).to_have_count(40)
    expect(page.locator("[data-map-line]").first).to_contain_text(
        "40 injection sites, 8 mL: 4 vials"
    )

    # Switch to cryolipolysis: place two large cups side by side.
    page.get_by_role("button", name="Place applicator").tap()
    page.get_by_label("Applicator to place").select_option("Large vacuum cup")
    for x in (26, 34):
        placed = page.locator("[data-map-placement]").count()
        tap_cm(page, page.locator("[data-map-preview] svg"), x, 33)
        expect(page.locator("[data-map-placement]")).to_have_count(placed + 1)
    expect(page.locator("[data-map-line]", has_text="Cryolipolysis")).to_contain_text(
        "2 placements (2 x Large vacuum cup (35 min)): 2 cycles"
    )
    page.screenshot(path="/tmp/w13-map-form.png", full_page=True)

    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_test_id("bmi")).to_be_visible()
    row = AssessmentArea.objects.get()
    assert row.zone_points == [[26, 30], [34, 30], [34, 35], [26, 35]]
    assert [p["applicator"] for p in row.placements] == ["cryo_large_cup"] * 2

    page.get_by_test_id("generate-plan").click()
    cryo = page.locator("[data-testid=option][data-treatment=cryolipolysis]")
    cryo.get_by_role("button").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Draft")
    plan = Plan.objects.get()
    sessions = plan.sessions.count()
    # The size says large (4 cycles); the map says two placements, and the cost follows it.
    assert all(s.areas[0]["units"] == 2 for s in plan.sessions.all())
    assert plan.subtotal == Decimal("750.00") * 2 * sessions
    expect(page.get_by_test_id("plan-maps")).to_contain_text("Large vacuum cup")
    expect(page.get_by_test_id("plan-maps").locator("[data-map-placement]")).to_have_count(2)
    page.screenshot(path="/tmp/w13-plan.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    with open(download.value.path(), "rb") as handle:
        pdf = handle.read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "Treatment map" in text
    assert "Upper back · Back view · cm" in text  # drawn by the SVG itself, not the caption
    assert "2 placements (2 x Large vacuum cup (35 min)): 2 cycles" in text
    assert "Large vacuum cup at 26, 33 cm" in text
