"""The provider's consultation in Chromium: assessment, options, choose, adjust, present,
PDF, the patient's signature on the tablet, accepted."""

import io
from datetime import date, timedelta

import pytest
from django.apps import apps
from playwright.sync_api import expect
from pypdf import PdfReader

from consultations.migrations._consent_seed import seed_consent_texts
from consultations.migrations._seed import seed_default_questionnaire
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


def draw_signature(page):
    canvas = page.get_by_test_id("signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"] + 40, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 25, y + (15 if step % 2 else -15), steps=3)
    page.mouse.up()


def test_provider_takes_a_patient_from_intake_to_a_signed_plan(
    live_server, page, catalog, provider
):
    patient = PatientFactory(first_name="Dana", last_name="Reyes")
    submit_intake(patient)
    off_machine = []
    page.on(
        "request",
        lambda r: off_machine.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    login(page, live_server.url, provider)
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    page.get_by_test_id("new-assessment").click()

    # The intake's flags are beside the form; height and weight come from the intake.
    expect(page.get_by_test_id("intake-flags")).to_contain_text("Raynaud")
    expect(page.get_by_label("Height (cm)")).to_have_value("165")
    expect(page.locator("[data-bmi-output]")).to_have_text("25.0")
    page.locator("select[name='areas-0-area']").select_option(label="Upper back")
    page.locator("input[name='areas-0-pinch_mm']").fill("30")
    page.locator("select[name='areas-0-size']").select_option("large")
    # Add a second area row, then remove it again.
    page.get_by_role("button", name="+ Add an area").click()
    expect(page.locator("select[name='areas-1-area']")).to_be_visible()
    page.get_by_role("button", name="Remove this area").nth(1).click()
    expect(page.locator("select[name='areas-1-area']")).to_be_hidden()
    page.get_by_role("button", name="Save assessment").click()

    expect(page.get_by_test_id("bmi")).to_have_text("25.0")
    page.get_by_test_id("generate-plan").click()

    options = page.get_by_test_id("option")
    expect(options).to_have_count(3)
    for option in options.all():
        expect(option).to_contain_text("Sessions")
        expect(option).to_contain_text("Deposit")
    injections = page.locator("[data-testid=option][data-treatment=deoxycholic_injection]")
    injections.get_by_role("button").click()

    expect(page.get_by_test_id("plan-status")).to_have_text("Draft")
    second = page.locator("input[name='date_2']")
    moved = date.fromisoformat(second.input_value()) + timedelta(days=2)
    if moved.weekday() == 6:  # the clinic is closed on Sundays
        moved += timedelta(days=1)
    second.fill(moved.isoformat())
    page.get_by_label("Discount", exact=True).fill("100")
    page.get_by_label("Reason for the discount").fill("Referred a friend")
    page.get_by_role("button", name="Recompute and save").click()
    expect(page.get_by_test_id("extra-discount")).to_contain_text("Referred a friend")
    expect(page.get_by_test_id("session-date").nth(1)).to_contain_text(moved.strftime("%b %-d"))

    page.get_by_role("button", name="Present to the patient").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Presented")

    plan = Plan.objects.get()
    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    with open(download.value.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "Dana Reyes" in text
    assert f"${plan.total:,.2f}" in text

    page.get_by_test_id("sign-consent").click()
    expect(page.get_by_test_id("consent-text")).to_contain_text("not a weight-loss solution")
    page.get_by_label("Your full name").fill("Dana Reyes")
    draw_signature(page)
    page.get_by_label("I have read and understood").check()
    page.get_by_role("button", name="Sign and accept the plan").click()

    # The tablet is in the patient's hands: a thank-you screen until staff take it back.
    expect(page.get_by_test_id("hand-back")).to_contain_text("hand the tablet back")
    page.get_by_label("Staff password").fill("pw")
    page.get_by_role("button", name="Staff: continue").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Accepted")
    expect(page.get_by_test_id("can-book")).to_have_text("Ready to book")
    expect(page.get_by_test_id("consent-record")).to_contain_text("Dana Reyes")
    consent = Plan.objects.get().consents.get()
    assert consent.signature.startswith("data:image/png;base64,")
    assert consent.ip_address == "127.0.0.1"
    assert off_machine == []
