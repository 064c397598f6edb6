import datetime
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.http import Http404

from consultations import selectors, services
from consultations.demo import SUBMITTED_ANSWERS
from tests.consultations.factories import IntakeFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "dana": PatientFactory(
            first_name="Dana",
            last_name="Reyes",
            date_of_birth=datetime.date(1985, 5, 5),
            email="dana@example.com",
            phone="+14155550100",
        ),
        "sam": PatientFactory(
            first_name="Sam",
            last_name="Danvers",
            date_of_birth=datetime.date(1990, 1, 2),
            email="sam@example.org",
            phone="+12125550199",
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["sam", "dana"]),  # by last name: Danvers, Reyes
        ("dan", ["sam", "dana"]),
        ("reyes", ["dana"]),
        ("dana reyes", ["dana"]),
        ("example.org", ["sam"]),
        ("555-0100", ["dana"]),
        ("212", ["sam"]),
        ("1985-05-05", ["dana"]),
        ("01/02/1990", ["sam"]),
        ("nobody", []),
    ],
)
def test_patient_list_search(people, front_desk, query, expected):
    found = list(selectors.patient_list(user=front_desk, query=query))
    assert found == [people[name] for name in expected]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("name", ["sam", "dana"]), ("-name", ["dana", "sam"]), ("dob", ["dana", "sam"])],
)
def test_patient_list_sort(people, front_desk, sort, expected):
    assert list(selectors.patient_list(user=front_desk, sort=sort)) == [people[n] for n in expected]


def test_patient_list_is_empty_for_users_without_the_permission(people, outsider):
    assert list(selectors.patient_list(user=outsider)) == []


def test_patient_get_for_user(people, provider, outsider):
    assert selectors.patient_get_for_user(user=provider, pk=people["dana"].pk) == people["dana"]
    with pytest.raises(Http404):
        selectors.patient_get_for_user(user=provider, pk=0)
    with pytest.raises(Http404):
        selectors.patient_get_for_user(user=outsider, pk=people["dana"].pk)


@pytest.mark.parametrize(
    ("kwargs", "found"),
    [
        (
            {
                "first_name": "dana",
                "last_name": "REYES",
                "date_of_birth": datetime.date(1985, 5, 5),
            },
            True,
        ),
        (
            {
                "first_name": "Dana",
                "last_name": "Reyes",
                "date_of_birth": datetime.date(1985, 5, 6),
            },
            False,
        ),
        (
            {
                "first_name": "X",
                "last_name": "Y",
                "date_of_birth": None,
                "email": "DANA@example.com",
            },
            True,
        ),
        ({"first_name": "X", "last_name": "Y", "date_of_birth": None, "email": ""}, False),
    ],
)
def test_likely_duplicates(people, kwargs, found):
    assert bool(selectors.patient_likely_duplicates(**kwargs)) is found


def test_likely_duplicates_excludes_the_patient_itself(people):
    dana = people["dana"]
    assert (
        selectors.patient_likely_duplicates(
            first_name="Dana",
            last_name="Reyes",
            date_of_birth=dana.date_of_birth,
            email=dana.email,
            exclude_pk=dana.pk,
        )
        == []
    )


def test_intake_latest_submitted_gives_flags_and_conditions(questionnaire):
    patient = PatientFactory()
    assert selectors.intake_latest_submitted(patient=patient) is None
    IntakeFactory(patient=patient)  # an open link does not count
    services.intake_submit(intake=IntakeFactory(patient=patient, draft=SUBMITTED_ANSWERS))
    screening = selectors.intake_latest_submitted(patient=patient)
    assert screening.conditions == ["raynauds", "anticoagulants"]
    assert [f.code for f in screening.warnings] == ["raynauds", "anticoagulants"]
    assert screening.excludes == ()
    assert screening.answers["weight"] == "68"


def test_timeline_lists_events_newest_first(questionnaire, front_desk):
    patient = PatientFactory(created_by=front_desk)
    intake = services.intake_link_create(patient=patient, by=front_desk)
    services.intake_link_revoke(intake=intake, by=front_desk)
    events = selectors.patient_timeline(
        patient=patient, intakes=selectors.intakes_for_patient(patient=patient)
    )
    assert [e.title for e in events][-1] == "Patient record created"
    assert "Intake link revoked" in [e.title for e in events]
    assert events == sorted(events, key=lambda e: e.at, reverse=True)


# A management command (or a worker) never imports the URLconf, where the views used to pull
# the plans' and sessions' selectors in; each app's AppConfig.ready() registers its events.
TIMELINE_IN_A_COMMAND = """
import json, sys
from consultations.models import Patient
from consultations.selectors import intakes_for_patient, patient_timeline
patient = Patient.objects.get()
events = patient_timeline(patient=patient, intakes=intakes_for_patient(patient=patient))
loaded = [m for m in ("clinic.urls", "treatments.plans.views", "treatments.appointments.views")
          if m in sys.modules]
print(json.dumps({"titles": [e.title for e in events], "loaded": loaded}))
"""


# Committed rows (a transactional test), so the database can be copied to a file.
@pytest.mark.django_db(transaction=True)
def test_the_timeline_is_complete_in_a_management_command(provider, questionnaire, tmp_path):
    from django.conf import settings
    from django.db import connection

    from tests.appointments.factories import appointment_at, setup_clinic
    from tests.consultations.consultation_factories import TODAY, assessment_for, submit_intake
    from treatments.plans import services as plans

    setup_clinic(provider)
    assessment = assessment_for(provider)
    submit_intake(assessment.patient)
    plan = plans.plan_create_from_option(
        assessment=assessment, treatment_code="cryolipolysis", by=provider, today=TODAY
    )
    appointment_at(
        plan.sessions.get(number=1),
        datetime.datetime.combine(TODAY, datetime.time(10)),
        provider=provider,
    )
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        # An in-memory test database, rows included, copied to a file the command opens.
        copy = sqlite3.connect(tmp_path / "db.sqlite3")
        connection.ensure_connection()
        connection.connection.backup(copy)
        copy.close()
        database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    else:  # the command opens this test's (committed) PostgreSQL database itself
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        database_url = f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", TIMELINE_IN_A_COMMAND],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clinic.settings_test",
            "DATABASE_URL": database_url,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["loaded"] == []
    for title in (
        "Patient record created",  # consultations: intakes
        "Intake submitted",
        "Assessment recorded",  # consultations: assessments
        "Cryolipolysis (fat freezing) plan drafted",  # plans
        "Session 1 booked",  # appointments
    ):
        assert title in out["titles"]
