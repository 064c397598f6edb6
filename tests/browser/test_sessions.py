"""Sessions as a new user would try them: the front desk books a whole course in two clicks,
moves one session and finds it on the week calendar; a provider records a session with a lot
number, a measurement and a photo and sees the progress chart."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from clinic.formats.display import clock
from tests.appointments.factories import (
    PatientFactory,
    accepted_plan,
    appointment_at,
    next_monday,
    setup_clinic,
)
from tests.conftest import login
from treatments.appointments.models import Appointment
from treatments.appointments.selectors import to_local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_desk_books_a_course_moves_a_session_and_sees_it_on_the_calendar(
    live_server, page, provider, front_desk
):
    setup_clinic(provider)
    plan = accepted_plan(
        start=next_monday(), patient=PatientFactory(first_name="Dana", last_name="Reyes")
    )
    login(page, live_server.url, front_desk)

    page.get_by_test_id("nav-links").get_by_role("link", name="Book sessions").click()
    row = page.get_by_test_id("plans-to-book").get_by_role("row", name="Dana Reyes")
    row.get_by_role("link", name="Book course").click()  # click 1
    expect(page.get_by_test_id("proposal").locator("tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Book all sessions").click()  # click 2
    expect(page.get_by_role("alert").first).to_contain_text("Booked 3 sessions for Dana Reyes")
    assert Appointment.objects.filter(plan_session__plan=plan, status="booked").count() == 3

    # Move session 2 (agreed for a Wednesday) to the Monday after: session 3 is then too close.
    page.get_by_test_id("session-2").get_by_role("link", name="Move").click()
    second = Appointment.objects.get(plan_session__plan=plan, plan_session__number=2)
    new_day = to_local(second.start).date() + datetime.timedelta(days=5)
    page.get_by_label("Day", exact=True).fill(new_day.isoformat())
    page.get_by_role("button", name="Show").click()
    page.locator(".slot-option").nth(4).click()
    page.get_by_label("Reason").fill("Patient is travelling")
    page.get_by_role("button", name="Move session").click()
    expect(page.locator(".messages")).to_contain_text("Session 2 moved to")
    expect(page.locator(".messages")).to_contain_text("Session 3 moved from")
    second.refresh_from_db()
    moved_to = to_local(second.start)
    assert moved_to.date() == new_day

    # The week calendar shows it.
    page.goto(f"{live_server.url}/sessions/calendar/?view=week&date={new_day.isoformat()}")
    event = page.get_by_test_id("cal-event").filter(has_text="Dana Reyes")
    expect(event).to_have_count(1)
    expect(event).to_contain_text(clock(moved_to))


def test_provider_records_a_session_with_lot_measurement_and_photo(
    live_server, page, provider, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    setup_clinic(provider)
    plan = accepted_plan(
        sessions=2,
        start=timezone.localdate() - datetime.timedelta(days=2),
        patient=PatientFactory(first_name="Maya", last_name="Chen"),
    )
    yesterday = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    appointment = appointment_at(
        plan.sessions.get(number=1), yesterday - datetime.timedelta(days=1), provider=provider
    )
    photo = tmp_path / "back.png"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (210, 170, 150)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    not_a_photo = tmp_path / "scan.jpg"
    not_a_photo.write_bytes(b"%PDF-1.4 not an image")

    login(page, live_server.url, provider)
    page.goto(f"{live_server.url}/sessions/{appointment.pk}/")
    page.get_by_role("link", name="Record session").click()

    # The record and its photo in one form: a bad photo is refused beside its field and
    # nothing typed is lost; the right one is saved with the record.
    page.get_by_label("I asked the patient").check()
    area = page.get_by_test_id("area-upper_back")
    area.get_by_label("Vials").fill("2")
    area.get_by_label("Lot number(s)").fill("KYB-2291")
    area.get_by_label("Pinch (mm)").fill("31")
    page.get_by_label("Weight (kg)").fill("67.5")
    page.get_by_label("Before photo").set_input_files(str(not_a_photo))
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_test_id("photos")).to_contain_text("not a photo we can read")
    expect(area.get_by_label("Lot number(s)")).to_have_value("KYB-2291")
    expect(area.get_by_label("Pinch (mm)")).to_have_value("31")
    expect(page.get_by_label("Weight (kg)")).to_have_value("67.5")
    expect(page.get_by_label("I asked the patient")).to_be_checked()

    page.get_by_label("Before photo").set_input_files(str(photo))
    page.get_by_role("button", name="Save record").click()
    expect(page.locator(".messages")).to_contain_text("Session 1 recorded.")
    expect(page.get_by_test_id("appointment-status")).to_have_text("Done")
    expect(page.get_by_role("cell", name="KYB-2291")).to_be_visible()

    page.get_by_role("link", name="The whole course").click()
    expect(page.get_by_test_id("plan-status")).to_have_text(re.compile("in.progress", re.I))
    chart = page.get_by_test_id("progress-chart")
    expect(chart.locator("svg circle")).to_have_count(1)
    expect(chart).to_contain_text("Upper back")
    expect(page.get_by_test_id("photo-pair").locator("img")).to_have_count(1)
