"""Outcomes and reports as a newcomer meets them on the demo data (`seed_demo`): a provider
sees a patient's predicted and measured curves and a flagged non-responder; a Clinic admin
reads the funnel, the utilisation and the measured-versus-assumed reduction and downloads a
CSV; the front desk sees utilisation and no money."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "contour-demo"


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    return {u.username: u for u in get_user_model().objects.all()}


def test_provider_sees_predicted_and_measured_curves_and_a_flagged_non_responder(
    live_server, page, demo
):
    login(page, live_server.url, demo["provider"], PASSWORD)
    warnings = page.get_by_test_id("dashboard-outcome-warnings")
    flagged = warnings.get_by_test_id("outcome-warning").filter(has_text="Possible non-responder")
    expect(flagged).to_have_count(1)
    flagged.get_by_role("link", name="Diego Dubois").click()

    expect(page.get_by_test_id("outcome-warnings")).to_contain_text(
        "Flanks measured 34 mm after 2 sessions, against 34 mm at the start"
    )
    progress = page.get_by_test_id("patient-progress")
    chart = progress.locator("svg.progress-chart")
    expect(chart.locator("polyline")).to_have_count(2)  # measured, and predicted (dashed)
    expect(chart.locator("polyline[stroke-dasharray]")).to_have_count(1)
    expect(chart.locator("title", has_text="Flanks (predicted), After session 3")).to_have_count(1)
    expect(progress.get_by_test_id("outcome-verdicts")).to_contain_text(
        "Flanks behind: 34 mm after 2 sessions, 12.2 mm above the predicted 21.8 mm"
    )
    expect(progress.get_by_role("img", name="Before")).to_be_visible()

    page.get_by_test_id("outcome-warnings").get_by_role("button", name="Mark reviewed").click()
    expect(page.locator(".messages")).to_contain_text(
        "Possible non-responder (Flanks) marked reviewed"
    )
    expect(page.get_by_test_id("outcome-warnings")).to_have_count(0)
    # Providers read outcomes per treatment, without money, and no business reports.
    page.get_by_test_id("nav-links").get_by_role("link", name="Treatment outcomes").click()
    expect(page.get_by_test_id("report-outcomes")).to_contain_text("Abdomen")
    expect(page.locator("main")).not_to_contain_text("$")
    expect(
        page.get_by_test_id("nav-links").get_by_role("link", name="Business reports")
    ).to_have_count(0)


def test_clinic_admin_reads_funnel_utilisation_and_outcomes_and_downloads_a_csv(
    live_server, page, demo
):
    login(page, live_server.url, demo["admin"], PASSWORD)
    page.get_by_test_id("nav-links").get_by_role("link", name="Business reports").click()
    funnel = page.get_by_test_id("report-funnel")
    expect(funnel.locator("svg")).to_be_visible()
    expect(funnel.get_by_role("row", name="Intakes sent")).to_be_visible()
    expect(funnel.get_by_role("row", name="Course completed")).to_contain_text("%")
    expect(page.get_by_test_id("report-value")).to_contain_text("$")
    expect(page.get_by_test_id("report-attendance")).to_contain_text("No-show rate")

    with page.expect_download() as download_info:
        page.get_by_test_id("export-funnel").click()
    download = download_info.value
    assert download.suggested_filename == "business-funnel.csv"
    with open(download.path(), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Step", "Count", "Conversion from the step before"]
    assert [r[0] for r in rows[1:]] == [
        "Intakes sent",
        "Intakes submitted",
        "Assessed",
        "Plan presented",
        "Plan accepted",
        "Course completed",
    ]
    assert int(rows[1][1]) > 0

    # A bad date gets a message beside the field, not an error page.
    page.get_by_label("From", exact=True).fill("2026-12-31")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("The end date must be on or after the start date.")).to_be_visible()

    page.get_by_test_id("nav-links").get_by_role("link", name="Utilisation").click()
    utilisation = page.get_by_test_id("report-utilisation")
    expect(utilisation.locator("svg")).to_contain_text("Priya Shah (provider)")
    expect(utilisation.get_by_role("columnheader", name="Room 1 (room)")).to_be_visible()
    expect(utilisation.locator("tbody tr").first).to_contain_text("%")

    page.get_by_test_id("nav-links").get_by_role("link", name="Treatment outcomes").click()
    outcomes = page.get_by_test_id("report-outcomes")
    abdomen = (
        outcomes.get_by_role("row").filter(has_text="Cryolipolysis").filter(has_text="Abdomen")
    )
    expect(abdomen).to_contain_text("20.0%")  # assumed
    link = abdomen.get_by_role("link", name="Update the assumption")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(f"{live_server.url}/admin/treatments/treatment/{_cryo_id()}/change/")


def _cryo_id():
    from treatments.catalog.models import Treatment

    return Treatment.objects.get(code="cryolipolysis").pk


def test_front_desk_sees_utilisation_and_no_money(live_server, page, demo):
    login(page, live_server.url, demo["frontdesk"], PASSWORD)
    nav = page.get_by_test_id("nav-links")
    expect(nav.get_by_role("link", name="Business reports")).to_have_count(0)
    expect(nav.get_by_role("link", name="Treatment outcomes")).to_have_count(0)
    expect(page.get_by_test_id("dashboard-outcome-warnings")).to_have_count(0)
    nav.get_by_role("link", name="Utilisation").click()
    expect(page.get_by_test_id("report-utilisation")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("$")
    for path in ("/reports/business/", "/reports/business/?export=value", "/reports/outcomes/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 403
