"""Headers on every response: a strict Content-Security-Policy, Permissions-Policy and
`Cache-Control: no-store, private` on everything but the static files; and templates that need
neither inline script nor inline style (so the policy can forbid them)."""

import re
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse

from tests.consultations.consultation_factories import TODAY, assessment_for, submit_intake
from tests.consultations.factories import IntakeFactory, PatientFactory, seed_questionnaire
from treatments.plans import services

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict_csp(response) -> None:
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def assert_private(response) -> None:
    assert response["Cache-Control"] == "no-store, private"
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")


def assert_permissions_policy(response) -> None:
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.fixture
def patient(db):
    return PatientFactory(first_name="Nora", last_name="Quist")


def test_staff_pages_get_every_header(client_for, provider, patient):
    client = client_for(provider)
    for url in (
        reverse("dashboard"),
        reverse("consultations:patient-list"),
        reverse("consultations:patient-detail", args=[patient.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response)
        assert_private(response)
        assert_permissions_policy(response)


def test_the_patients_intake_link_page_gets_every_header(client):
    seed_questionnaire()
    intake = IntakeFactory()
    response = client.get(reverse("consultations:intake-start", args=[intake.token]))
    assert response.status_code == 200
    assert_strict_csp(response)
    assert_private(response)
    assert_permissions_policy(response)


def test_login_error_pages_and_the_api_are_private_too(client, client_for, provider):
    login = client.get(reverse("login"))
    assert_strict_csp(login)
    assert_private(login)
    missing = client_for(provider).get("/no-such-page/")
    assert missing.status_code == 404
    assert_strict_csp(missing)
    assert_private(missing)
    api = client_for(provider).get("/api/v1/me")
    assert api.status_code == 200
    assert_private(api)


def test_static_files_stay_cacheable(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # as in development; production serves collected files
    response = client.get("/static/clinic/contour.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_quote_page_and_its_pdf_are_private_with_the_policy(client_for, provider):
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        quote_checks(client_for, provider)


def quote_checks(client_for, provider):
    # The quote's HTML (also the PDF's source) loads its paper size from a static file, not an
    # inline <style>, and its Print button from static JS.
    assessment = assessment_for(provider)
    submit_intake(assessment.patient)
    plan = services.plan_create_from_option(
        assessment=assessment, treatment_code="deoxycholic_injection", by=provider, today=TODAY
    )
    args = [plan.patient_id, plan.pk]
    page = client_for(provider).get(reverse("plans:plan-quote", args=args))
    assert_strict_csp(page)
    assert_private(page)
    html = page.content.decode()
    assert "<style" not in html and "onclick" not in html
    assert "plans/page-letter.css" in html and "plans/quote.js" in html
    pdf = client_for(provider).get(reverse("plans:plan-quote-pdf", args=args))
    assert pdf["Content-Type"] == "application/pdf"
    assert_private(pdf)


# --- Templates: nothing the policy would block --------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style[\s>]", re.IGNORECASE)


def html_templates() -> list[Path]:
    roots = [TEMPLATES, *Path(__file__).resolve().parent.parent.glob("*/templates")]
    roots += Path(__file__).resolve().parent.parent.glob("treatments/*/templates")
    return sorted(p for root in roots for p in root.rglob("*.html"))


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, HANDLER, STYLE_ATTR, STYLE_TAG])
def test_no_template_has_inline_script_handlers_or_styles(pattern):
    offenders = [
        str(path.relative_to(TEMPLATES.parent))
        for path in html_templates()
        if pattern.search(path.read_text())
    ]
    assert html_templates(), "no templates found"
    assert offenders == [], f"{pattern.pattern} in {offenders}"


def test_the_template_scan_catches_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert HANDLER.search('<button type="button" onclick="go()">')
    assert STYLE_ATTR.search('<div class="x" style="top: 1px">')
    assert not STYLE_ATTR.search('<div data-css-top="1px">')
    assert STYLE_TAG.search("<style>@page {}</style>")
