"""Sign-in safeguards as a user meets them in Chromium: the lockout page, two-factor enrolment
and sign-in, the idle-session warning, and pages that break no Content-Security-Policy rule."""

import datetime
import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from playwright.sync_api import expect

from clinic.roles import CLINIC_ADMIN, PROVIDER
from tests.appointments.factories import (
    PatientFactory,
    accepted_plan,
    appointment_at,
    next_monday,
    setup_clinic,
)
from tests.conftest import login
from tests.consultations.factories import IntakeFactory, seed_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_console(page) -> list[str]:
    """Console errors and CSP violations (Chromium reports a blocked inline script or style
    as a console error and as a securitypolicyviolation event)."""
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_five_wrong_passwords_show_the_lockout_page(live_server, page, provider):
    problems = watch_console(page)
    page.goto(f"{live_server.url}/accounts/login/")
    for attempt in range(5):
        page.get_by_label("Username").fill("priya")
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Log in").click()
        if attempt < 4:
            expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_role("heading", name="Sign-in locked for now")).to_be_visible()
    expect(page.get_by_test_id("lockout")).to_contain_text("for 15 minutes")
    page.get_by_role("link", name="Back to the sign-in page").click()
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Sign-in locked for now")).to_be_visible()
    # The browser reports the 429 itself as a failed resource; nothing else may go wrong.
    assert [p for p in problems if "429" not in p] == []


def test_a_provider_enrols_an_authenticator_then_signs_in_with_a_backup_code(
    live_server, page, provider, settings
):
    settings.STAFF_2FA_REQUIRED_ROLES = [CLINIC_ADMIN, PROVIDER]
    problems = watch_console(page)
    page.goto(f"{live_server.url}/accounts/login/?next=/patients/")
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()

    # Enrolment: the QR code is an SVG drawn by the server; the key is there to type by hand.
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("6-digit code").fill(f"{totp(key):06d}")  # what the phone app shows
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page.get_by_role("heading", name="Keep these backup codes")).to_be_visible()
    codes = page.get_by_test_id("backup-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them — continue").click()
    page.wait_for_url(f"{live_server.url}/patients/")
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()

    # Next sign-in: the password, then a code (here a backup code, the phone being "lost").
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.goto(f"{live_server.url}/patients/")  # no way round it
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code from your app, or a backup code").fill(codes[0].strip())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert").first).to_contain_text("backup code; 9 left")
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    assert problems == []


def test_the_idle_warning_offers_to_stay_then_signs_out(live_server, page, provider, settings):
    settings.SESSION_IDLE_TIMEOUT = 8
    settings.SESSION_IDLE_WARNING = 5
    problems = watch_console(page)
    login(page, live_server.url, provider)
    page.goto(f"{live_server.url}/patients/")
    warning = page.get_by_test_id("idle-warning")
    expect(warning).to_be_visible(timeout=6_000)  # 3 s after the page: 5 s are left
    expect(warning).to_contain_text("signed out in")
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    # Left alone again: the warning comes back, counts down, and the session ends.
    expect(warning).to_be_visible(timeout=6_000)
    page.wait_for_url(re.compile(r"/accounts/login/\?next=(/|%2F)patients(/|%2F)$"), timeout=10_000)
    expect(page.get_by_role("alert").first).to_contain_text(
        "signed out after 1 minute without activity"
    )
    assert problems == []


def test_pages_break_no_content_security_rule(live_server, page, provider):
    """Every kind of page, with what used to be inline (calendar positions, progress bars,
    badge colours, the quote's paper size), loaded under the strict policy."""
    setup_clinic(provider)
    monday = next_monday()
    plan = accepted_plan(start=monday, patient=PatientFactory(first_name="Ada", last_name="Cole"))
    appointment_at(
        plan.sessions.get(number=1),
        datetime.datetime.combine(monday, datetime.time(10, 0)),
        provider=provider,
    )
    seed_questionnaire()
    intake = IntakeFactory(patient=plan.patient)
    problems = watch_console(page)
    violations: list[str] = []
    page.expose_function("reportViolation", lambda v: violations.append(v))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))"
    )
    login(page, live_server.url, provider)
    patient = plan.patient
    for path in (
        "/",
        reverse("consultations:patient-list"),
        reverse("consultations:patient-detail", args=[patient.pk]),
        reverse("plans:plan-detail", args=[patient.pk, plan.pk]),
        reverse("plans:plan-quote", args=[patient.pk, plan.pk]),
        reverse("consultations:intake-start", args=[intake.token]),
        f"{reverse('appointments:calendar')}?view=week&date={monday.isoformat()}",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store, private"
    # The calendar's event sits where the server put it (10:00), applied by static JS.
    event = page.get_by_test_id("cal-event").first
    assert event.evaluate("e => e.style.top") not in ("", "0px")
    assert event.evaluate("e => e.getBoundingClientRect().height") > 20
    assert violations == [] and problems == []
