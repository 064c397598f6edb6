"""The signature pad on a touch tablet: a finger draws, Clear empties it."""

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from consultations.migrations._consent_seed import seed_consent_texts
from consultations.migrations._seed import seed_default_questionnaire
from tests.conftest import login
from tests.consultations.consultation_factories import assessment_for, submit_intake
from treatments.catalog.seed import seed_all
from treatments.plans import services
from treatments.plans.models import PlanStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def touch_stroke(page, box):
    cdp = page.context.new_cdp_session(page)
    x0, y = box["x"] + 30, box["y"] + box["height"] / 2
    points = [(x0 + i * 20, y + (10 if i % 2 else -10)) for i in range(10)]
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]},
    )
    for x, yy in points[1:]:
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": yy}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_a_finger_signs_and_clear_empties(live_server, phone_page, roles, provider):
    seed_all(apps)
    seed_default_questionnaire(apps)
    seed_consent_texts(apps, "plans")
    assessment = assessment_for(provider)
    submit_intake(assessment.patient)

    plan = services.plan_create_from_option(
        assessment=assessment,
        treatment_code="cryolipolysis",
        by=provider,
        today=timezone.localdate(),
    )
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)

    page = phone_page
    login(page, live_server.url, provider)
    page.goto(f"{live_server.url}/patients/{plan.patient_id}/plans/{plan.pk}/consent/")
    canvas = page.get_by_test_id("signature-canvas")
    canvas.scroll_into_view_if_needed()
    hidden = page.locator("input[name=signature]")
    expect(hidden).to_have_value("")

    touch_stroke(page, canvas.bounding_box())
    value = hidden.input_value()
    assert value.startswith("data:image/png;base64,") and len(value) > 500
    page.get_by_role("button", name="Clear").click()
    expect(hidden).to_have_value("")


def test_the_tablet_takes_the_patients_name_and_ends_on_a_hand_back_screen(
    live_server, phone_page, roles, provider
):
    seed_all(apps)
    seed_default_questionnaire(apps)
    seed_consent_texts(apps, "plans")
    assessment = assessment_for(provider)
    submit_intake(assessment.patient)
    patient = assessment.patient
    plan = services.plan_create_from_option(
        assessment=assessment,
        treatment_code="cryolipolysis",
        by=provider,
        today=timezone.localdate(),
    )
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)

    page = phone_page
    login(page, live_server.url, provider)
    page.goto(f"{live_server.url}/patients/{plan.patient_id}/plans/{plan.pk}/consent/")

    def sign_as(name):
        page.get_by_label("Your full name").fill(name)
        canvas = page.get_by_test_id("signature-canvas")
        canvas.scroll_into_view_if_needed()
        touch_stroke(page, canvas.bounding_box())
        page.get_by_label("I have read and understood").check()
        page.get_by_role("button", name="Sign and accept the plan").click()

    # Someone else's name signs nothing, and says why beside the name.
    sign_as("Mickey Mouse")
    expect(page.get_by_test_id("full-name-error")).to_contain_text("not the patient's name")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PRESENTED

    # The patient's name, typed loosely, signs.
    sign_as(f"  {patient.first_name.lower()}   {patient.last_name.upper()} ")
    hand_back = page.get_by_test_id("hand-back")
    expect(hand_back).to_contain_text("Please hand the tablet back")
    expect(page.get_by_test_id("nav-links")).to_have_count(0)  # no staff navigation
    expect(page.locator("body")).not_to_contain_text(patient.last_name)

    # The patient cannot leave: a wrong password keeps the screen.
    page.get_by_label("Staff password").fill("guess")
    page.get_by_role("button", name="Staff: continue").click()
    expect(page.get_by_role("alert").first).to_contain_text("not the password")
    expect(hand_back).to_be_visible()

    # The staff member's password does.
    page.get_by_label("Staff password").fill("pw")
    page.get_by_role("button", name="Staff: continue").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Accepted")
    expect(page.get_by_test_id("status-history")).to_contain_text(
        f"{patient.first_name} {patient.last_name} (patient, on the clinic's tablet)"
    )
