"""Issue 4 as a new user would try it: front desk creates a patient and a link; the patient
fills the questionnaire on a phone (a US clinic: feet and inches, pounds), leaves half-way,
comes back and submits; a provider sees the red and amber flags; the link is then closed."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.consultations.factories import seed_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def new_phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def fits_the_screen(phone) -> bool:
    return phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_intake_from_link_to_flags(live_server, browser, page, front_desk, provider, settings):
    settings.CLINIC_UNITS = "us"
    settings.CLINIC_PHONE = "+1 617 555 0142"
    settings.CLINIC_EMAIL = "hello@clinic.example"
    seed_questionnaire()
    off_machine = []

    def watch(p):
        p.on(
            "request",
            lambda r: off_machine.append(r.url) if not r.url.startswith(live_server.url) else None,
        )

    # Front desk: a new patient, then a link.
    watch(page)
    login(page, live_server.url, front_desk)
    page.get_by_role("link", name="Patients").first.click()
    page.get_by_role("link", name="Add a patient").click()
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Reyes")
    page.get_by_label("Date of birth").fill("1985-05-05")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_role("button", name="Add patient").click()
    expect(page.get_by_test_id("patient-name")).to_have_text("Dana Reyes")
    page.get_by_role("button", name="Create intake link").click()
    link = page.get_by_test_id("intake-url").input_value()
    assert re.fullmatch(rf"{live_server.url}/intake/[\w-]{{40,}}/", link)

    # The patient, on a phone: the first half, then leave.
    context, phone = new_phone(browser)
    watch(phone)
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Hello Dana")).to_be_visible()
    phone.get_by_role("link", name="Start").click()
    expect(phone.get_by_text("Step 1 of 7")).to_be_visible()
    # Height in feet and inches, weight in pounds (a comma decimal is a decimal), side by
    # side on a phone without scrolling sideways.
    expect(phone.get_by_text("In feet and inches, for example 5 ft 5 in.")).to_be_visible()
    phone.locator("#q-height").fill("5")  # labelled "Your height", the ft box
    phone.get_by_label("Your height, inches").fill("5")
    phone.locator("#q-weight").fill("150,5")
    feet_box = phone.locator("#q-height").bounding_box()
    inches_box = phone.locator("#q-height-in").bounding_box()
    assert abs(feet_box["y"] - inches_box["y"]) < 2  # one row
    assert fits_the_screen(phone)
    # Show-if without a reload: "no" reveals the weight history question.
    history = phone.get_by_label("How has your weight changed")
    expect(history).to_be_hidden()
    phone.locator("#weight_stable-no").check()
    expect(history).to_be_visible()
    phone.locator("#weight_stable-yes").check()
    expect(history).to_be_hidden()
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.get_by_text("Step 2 of 7")).to_be_visible()
    phone.get_by_role("button", name="Save and continue").click()  # nothing answered
    expect(phone.get_by_test_id("error-pregnant")).to_have_text("Please answer this question.")
    phone.locator("#pregnant-yes").check()
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.get_by_text("Step 3 of 7")).to_be_visible()
    phone.locator("#bleeding_disorder-no").check()
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.get_by_text("Step 4 of 7")).to_be_visible()
    phone.locator("#takes_medicines-yes").check()
    phone.get_by_label("A blood thinner").check()
    phone.get_by_label("Please list your medicines").fill("Apixaban 5 mg twice a day")
    phone.locator("#has_allergies-no").check()
    phone.locator("#deoxycholic_allergy-no").check()
    phone.get_by_role("button", name="Save and continue").click()
    expect(phone.get_by_text("Step 5 of 7")).to_be_visible()
    context.close()  # the patient closes the page half-way

    # Later: the same link resumes where they left off.
    context, phone = new_phone(browser)
    watch(phone)
    phone.goto(link)
    phone.get_by_role("link", name="Continue where you left off").click()
    expect(phone.get_by_text("Step 5 of 7")).to_be_visible()
    phone.get_by_label("Bra line").check()
    phone.get_by_label("Upper back").check()
    for key in (
        "infection_at_site",
        "skin_condition_at_site",
        "hernia",
        "numbness",
        "implant_at_site",
        "recent_surgery",
        "previous_procedures",
    ):
        phone.locator(f"#{key}-no").check()
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.get_by_text("Step 6 of 7")).to_be_visible()
    phone.get_by_label("What would you like to change").fill("A smooth bra line.")
    phone.get_by_label("A few days").check()
    phone.get_by_label("$1,500 to $3,000").check()
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.get_by_text("Step 7 of 7")).to_be_visible()
    phone.locator("#photo_consent-yes").check()
    phone.get_by_role("button", name="Review my answers").click()

    expect(phone.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(phone.get_by_text("Apixaban 5 mg twice a day")).to_be_visible()
    expect(phone.get_by_text("5 ft 5 in", exact=True)).to_be_visible()
    expect(phone.get_by_text("150.5 lb", exact=True)).to_be_visible()
    assert fits_the_screen(phone)
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    contact = phone.get_by_test_id("clinic-contact")
    expect(contact).to_contain_text("+1 617 555 0142")
    expect(contact).to_contain_text("hello@clinic.example")

    # The link is closed: it shows the thank-you page, not the form.
    phone.goto(link)
    expect(phone.get_by_text("This form is now closed")).to_be_visible()
    expect(phone.get_by_role("button", name="Save and continue")).to_have_count(0)
    context.close()

    # A provider sees the flags at the top of the patient page.
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    provider_page = staff.new_page()
    watch(provider_page)
    login(provider_page, live_server.url, provider)
    provider_page.get_by_role("link", name="Patients").first.click()
    provider_page.get_by_role("link", name="Reyes, Dana").click()
    screening = provider_page.get_by_test_id("screening")
    red = screening.locator('[data-severity="exclude"]')
    amber = screening.locator('[data-severity="warn"]')
    expect(red).to_have_count(1)
    expect(red).to_contain_text("Pregnant or breastfeeding")
    expect(red).to_have_class(re.compile("alert-danger"))
    expect(amber).to_contain_text("anticoagulant")
    expect(amber).to_have_class(re.compile("alert-warning"))
    expect(provider_page.get_by_test_id("intake")).to_contain_text("Submitted")
    staff.close()
    assert off_machine == []
