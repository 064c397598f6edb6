"""One clock format everywhere ("9:00 AM"), from clinic/formats/en/formats.py: templates use
the named formats, Python uses clinic.formats.display, and no literal clock format comes back.
No engine version is printed for people."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from clinic.formats.display import clock, moment
from tests.appointments.factories import (
    PatientFactory,
    accepted_plan,
    appointment_at,
    setup_clinic,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("clinic", "consultations", "treatments")

# |date:"H:i", |time:"g:i a", |date:"N j, P"…: any literal format with a time-of-day letter.
TEMPLATE_FORMAT = re.compile(r"""\|(?:date|time):\s*(["'])(.*?)\1""")
TIME_LETTERS = set("aAfgGhHiPsuv")
MACHINE_FORMATS = {"c", "U"}  # ISO 8601 and epoch, for attributes, not for people
# %H:%M, %I:%M, %p… in Python; "…T%H:%M" (an ISO form value) is for machines.
PYTHON_FORMAT = re.compile(r"(?<!T)%-?[HI]\b|%p\b")


def template_files() -> list[Path]:
    return [p for p in (ROOT / "templates").rglob("*") if p.suffix in {".html", ".txt"}]


def python_files() -> list[Path]:
    return [
        p
        for package in SOURCES
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts
    ]


def test_no_template_writes_a_literal_clock_format():
    found = [
        f"{path.relative_to(ROOT)}: {fmt}"
        for path in template_files()
        for _, fmt in TEMPLATE_FORMAT.findall(path.read_text())
        if not re.fullmatch(r"[A-Z_]+", fmt)
        and fmt not in MACHINE_FORMATS
        and TIME_LETTERS & set(fmt)
    ]
    assert template_files() and not found, "use |time or |date:'DATETIME_FORMAT'"


def test_no_python_code_writes_a_literal_clock_format():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_files()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PYTHON_FORMAT.search(line)
    ]
    assert not found, "use clinic.formats.display.clock() or moment()"


def test_the_scans_would_catch_the_old_formats():
    assert TEMPLATE_FORMAT.findall('{{ a.start|time:"H:i" }} {{ b|date:"M j, Y, g:i a" }}')
    for line in ('f"{start:%H:%M}"', 'x.strftime("%I:%M %p")', 'f"{d:%a %b %d, %H:%M}"'):
        assert PYTHON_FORMAT.search(line), line
    assert not PYTHON_FORMAT.search('start.strftime("%Y-%m-%dT%H:%M")')


def test_no_template_prints_the_engine_version():
    found = [
        str(p) for p in template_files() if re.search(r"\{\{[^}]*engine_version", p.read_text())
    ]
    assert not found


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime.time(9, 0), "9:00 AM"),
        (datetime.time(14, 30), "2:30 PM"),
        (datetime.time(0, 5), "12:05 AM"),
        (datetime.datetime(2026, 12, 2, 9, 0), "9:00 AM"),
    ],
)
def test_clock(value, text):
    assert clock(value) == text


def test_clock_and_moment_write_aware_times_in_the_clinics_zone():
    utc = datetime.datetime(2026, 12, 2, 14, 0, tzinfo=datetime.UTC)  # 9:00 in New York
    assert clock(utc) == "9:00 AM"
    assert moment(utc) == "Dec 2, 2026, 9:00 AM"


def test_templates_and_python_agree_even_without_an_active_language():
    at = timezone.make_aware(datetime.datetime(2026, 12, 2, 16, 45))
    template = Template('{{ at|time }} · {{ at|date:"DATETIME_FORMAT" }} · {{ at|date }}')
    assert template.render(Context({"at": at})) == "4:45 PM · Dec 2, 2026, 4:45 PM · Dec 2, 2026"
    with translation.override(None):
        assert clock(at) == "4:45 PM" and moment(at) == "Dec 2, 2026, 4:45 PM"


@pytest.mark.django_db
def test_the_dashboard_and_the_calendar_show_the_clinics_clock(client_for, provider, front_desk):
    clinic = setup_clinic(provider)
    today = timezone.localdate()
    for hour, minute, first in ((9, 0, "Early"), (14, 30, "Later")):
        plan = accepted_plan(sessions=1, patient=PatientFactory(first_name=first, last_name="Pat"))
        start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(hour, minute)))
        appointment = appointment_at(
            plan.sessions.get(), start, provider=provider, room=clinic.rooms[0]
        )
    client = client_for(front_desk)
    pages = {
        "dashboard": client.get(reverse("dashboard")),
        "calendar": client.get(reverse("appointments:calendar"), {"view": "day"}),
        "appointment": client.get(
            reverse("appointments:appointment-detail", args=[appointment.pk])
        ),
    }
    for name, response in pages.items():
        text = response.content.decode()
        assert response.status_code == 200, name
        assert "2:30 PM" in text, name
        assert not re.search(r"\b(09|14):[03]0\b|\d (a|p)\.m\.", text), name
    assert "9:00 AM" in pages["dashboard"].content.decode()
    assert "9:00 AM" in pages["calendar"].content.decode()
