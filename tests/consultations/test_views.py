"""Staff pages: access (login, 403 per role, 404), validation messages, duplicates, flags."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from consultations import selectors, services, views
from consultations.demo import SUBMITTED_ANSWERS
from consultations.models import Intake, IntakeStatus, Patient
from tests.appointments.factories import accepted_plan, appointment_at, area, setup_clinic
from tests.consultations.consultation_factories import TODAY, assessment_for, submit_intake
from tests.consultations.factories import IntakeFactory, PatientFactory

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Dana",
    "last_name": "Reyes",
    "date_of_birth": "1985-05-05",
    "sex": "female",
    "email": "dana@example.com",
    "phone": "+1 415 555 0100",
    "preferred_contact": "email",
}


def url(name, *args):
    return reverse(f"consultations:{name}", args=args)


# --- Access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("patient-list", "get"),
        ("patient-create", "get"),
        ("patient-detail", "get"),
        ("patient-edit", "get"),
        ("intake-link-create", "post"),
        ("intake-detail", "get"),
        ("intake-link-revoke", "post"),
        ("intake-link-email", "post"),
    ],
)
def test_anonymous_users_go_to_the_login_page(client, questionnaire, name, method):
    intake = IntakeFactory()
    args = {
        "patient-list": (),
        "patient-create": (),
        "patient-detail": (intake.patient.pk,),
        "patient-edit": (intake.patient.pk,),
        "intake-link-create": (intake.patient.pk,),
    }.get(name, (intake.patient.pk, intake.pk))
    response = getattr(client, method)(url(name, *args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "name", "method"),
    [
        ("outsider", "patient-list", "get"),
        ("outsider", "patient-detail", "get"),
        ("provider", "patient-create", "get"),
        ("provider", "patient-edit", "get"),
        ("provider", "intake-link-create", "post"),
        ("provider", "intake-link-revoke", "post"),
        ("provider", "intake-link-email", "post"),
        ("front_desk", "intake-detail", "get"),  # the answers are clinical
    ],
)
def test_roles_without_the_permission_get_403(
    request, client_for, questionnaire, persona, name, method
):
    intake = IntakeFactory()
    args = {
        "patient-list": (),
        "patient-create": (),
        "patient-detail": (intake.patient.pk,),
        "patient-edit": (intake.patient.pk,),
        "intake-link-create": (intake.patient.pk,),
    }.get(name, (intake.patient.pk, intake.pk))
    client = client_for(request.getfixturevalue(persona))
    assert getattr(client, method)(url(name, *args)).status_code == 403
    intake.refresh_from_db()
    assert intake.revoked_at is None
    assert Intake.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "name", "method"),
    [
        ("provider", "patient-detail", "get"),
        ("front_desk", "patient-edit", "get"),
        ("front_desk", "intake-link-create", "post"),
    ],
)
def test_unknown_patients_are_404(request, client_for, persona, name, method):
    client = client_for(request.getfixturevalue(persona))
    assert getattr(client, method)(url(name, 999999)).status_code == 404


def test_an_intake_of_another_patient_is_404(client_for, front_desk, provider, questionnaire):
    mine, other = IntakeFactory(), IntakeFactory()
    for name in ("intake-link-revoke", "intake-link-email"):
        response = client_for(front_desk).post(url(name, mine.patient.pk, other.pk))
        assert response.status_code == 404
    response = client_for(provider).get(url("intake-detail", mine.patient.pk, other.pk))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


# --- List ----------------------------------------------------------------------------------


def test_list_searches_and_paginates(client_for, front_desk):
    PatientFactory(first_name="Dana", last_name="Reyes")
    for n in range(30):
        PatientFactory(last_name=f"Zed{n:02d}")
    client = client_for(front_desk)
    page1 = client.get(url("patient-list"))
    assert page1.context["page"].count == 31
    assert len(page1.context["page"].rows) == 25
    assert "31 patients" in page1.content.decode()
    # The next page starts after the last row shown (keyset), and leads back.
    next_cursor = page1.context["page"].next_cursor
    page2 = client.get(url("patient-list"), {"after": next_cursor})
    assert [p.last_name for p in page2.context["page"].rows] == [
        f"Zed{n:02d}" for n in range(24, 30)
    ]
    assert page2.context["page"].next_cursor == ""
    back = client.get(url("patient-list"), {"before": page2.context["page"].prev_cursor})
    assert back.context["page"].rows == page1.context["page"].rows
    assert back.context["page"].prev_cursor == ""
    found = client.get(url("patient-list"), {"q": "reyes"})
    assert [p.last_name for p in found.context["page"].rows] == ["Reyes"]
    assert client.get(url("patient-list"), {"q": "nobody-here"}).context["page"].count == 0
    # A bad sort or a hand-edited cursor shows the first page, never an error.
    for params in ({"sort": "bogus", "page": "x"}, {"after": "bogus"}, {"before": "W1siIl0"}):
        response = client.get(url("patient-list"), params)
        assert response.status_code == 200
        assert len(response.context["page"].rows) == 25


@pytest.mark.parametrize("count", [1, 40])
def test_list_query_count_does_not_grow_with_patients(
    client_for, front_desk, questionnaire, django_assert_num_queries, count
):
    for _ in range(count):
        IntakeFactory()
    client = client_for(front_desk)
    # 1 the session, 2 the user, 3 the user's own permissions and 4 their groups' permissions
    # (the view's check and the nav), 5 the list's count (capped), 6 the page of patients
    # with their latest intake dates (subqueries for the page's rows), 7 the role names for
    # the header.
    with django_assert_num_queries(7):
        response = client.get(url("patient-list"))
    assert response.status_code == 200
    assert len(response.context["page"].rows) == min(count, 25)


@pytest.mark.parametrize("sort", ["name", "-name", "dob", "-dob", "created", "-created"])
def test_list_pages_walk_every_patient_once_in_each_sort(client_for, front_desk, monkeypatch, sort):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    people = [PatientFactory(last_name="Same") for _ in range(4)] + [
        PatientFactory() for _ in range(4)
    ]
    client = client_for(front_desk)
    seen, cursor = [], ""
    while True:
        page = client.get(url("patient-list"), {"sort": sort, "after": cursor}).context["page"]
        seen += [p.pk for p in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    expected = selectors.patient_list(user=front_desk, sort=sort).values_list("pk", flat=True)
    assert seen == list(expected)
    assert sorted(seen) == sorted(p.pk for p in people)


# --- Create and edit -----------------------------------------------------------------------


def test_create_a_patient(client_for, front_desk):
    response = client_for(front_desk).post(url("patient-create"), VALID)
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response.url == url("patient-detail", patient.pk)
    assert str(patient.phone) == "+14155550100"
    assert patient.created_by == front_desk


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"phone": "12"}, "phone", "Enter a valid phone number"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "over 120"),
        ({"date_of_birth": "1985-02-30"}, "date_of_birth", "Enter a valid date."),
        ({"email": "", "phone": ""}, "email", "Give an email address or a phone number"),
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"sex": "robot"}, "sex", "Select a valid choice."),
        ({"preferred_contact": "sms", "phone": ""}, "preferred_contact", "no phone number"),
    ],
)
def test_create_validation_messages(client_for, front_desk, changes, field, message):
    response = client_for(front_desk).post(url("patient-create"), {**VALID, **changes})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message.split("{")[0] in response.content.decode().replace("&#x27;", "'")
    assert not Patient.objects.exists()


def test_a_likely_duplicate_must_be_confirmed(client_for, front_desk):
    existing = PatientFactory(
        first_name="Dana", last_name="Reyes", date_of_birth=datetime.date(1985, 5, 5)
    )
    client = client_for(front_desk)
    response = client.post(url("patient-create"), {**VALID, "email": "new@example.com"})
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert "This may be a patient you already have" in response.content.decode()
    assert Patient.objects.count() == 1
    # Submitting again without ticking the box still asks.
    again = client.post(url("patient-create"), {**VALID, "confirm_duplicate": ""})
    assert again.context["duplicates"] == [existing]
    confirmed = client.post(url("patient-create"), {**VALID, "confirm_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Patient.objects.count() == 2


def test_same_email_is_a_likely_duplicate(client_for, front_desk):
    PatientFactory(email="dana@example.com")
    response = client_for(front_desk).post(url("patient-create"), VALID)
    assert response.status_code == 200 and response.context["duplicates"]


def test_edit_a_patient(client_for, front_desk):
    patient = PatientFactory()
    response = client_for(front_desk).post(
        url("patient-edit", patient.pk), {**VALID, "notes": "Prefers mornings."}
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.first_name, patient.notes) == ("Dana", "Prefers mornings.")


# --- Patient page --------------------------------------------------------------------------


def submitted(patient, **changes):
    intake = IntakeFactory(patient=patient, draft={**SUBMITTED_ANSWERS, **changes})
    services.intake_submit(intake=intake)
    return intake


def test_providers_see_red_and_amber_flags_at_the_top(client_for, provider, questionnaire):
    patient = PatientFactory()
    submitted(patient, pregnant="yes")
    page = client_for(provider).get(url("patient-detail", patient.pk)).content.decode()
    assert page.index('data-testid="screening"') < page.index('data-testid="intakes"')
    assert 'data-severity="exclude" data-code="pregnancy"' in page
    assert 'data-severity="warn" data-code="anticoagulants"' in page
    assert "alert-danger" in page and "alert-warning" in page


def test_front_desk_sees_the_intake_status_but_not_the_flags(client_for, front_desk, questionnaire):
    patient = PatientFactory()
    submitted(patient, pregnant="yes")
    page = client_for(front_desk).get(url("patient-detail", patient.pk)).content.decode()
    assert "Submitted" in page
    assert 'data-code="pregnancy"' not in page


def test_patient_page_sections_and_timeline(client_for, provider, questionnaire):
    patient = PatientFactory()
    response = client_for(provider).get(url("patient-detail", patient.pk))
    page = response.content.decode()
    for section in ("screening", "intakes", "assessments", "plans", "details", "timeline"):
        assert f'data-testid="{section}"' in page
    assert "No intake submitted yet" in page
    assert "Patient record created" in page


def test_intake_answers_page(client_for, provider, questionnaire):
    patient = PatientFactory()
    intake = submitted(patient)
    page = client_for(provider).get(url("intake-detail", patient.pk, intake.pk)).content.decode()
    assert "Apixaban 5 mg" in page
    assert "Bra line (bra bulge), Upper back" in page
    assert "68 kg" in page


# --- Links ---------------------------------------------------------------------------------


def test_front_desk_creates_copies_emails_and_revokes_a_link(client_for, front_desk, questionnaire):
    patient = PatientFactory(email="dana@example.com")
    client = client_for(front_desk)
    response = client.post(url("intake-link-create", patient.pk), {"expires_in_days": "7"})
    assert response.status_code == 302
    intake = Intake.objects.get(patient=patient)
    assert intake.expires_at - intake.created_at == datetime.timedelta(days=7)
    page = client.get(url("patient-detail", patient.pk)).content.decode()
    assert f"http://testserver/intake/{intake.token}/" in page
    client.post(url("intake-link-email", patient.pk, intake.pk))
    assert mail.outbox[0].to == ["dana@example.com"]
    assert f"http://testserver/intake/{intake.token}/" in mail.outbox[0].body
    client.post(url("intake-link-revoke", patient.pk, intake.pk))
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.REVOKED
    assert (
        f"/intake/{intake.token}/"
        not in client.get(url("patient-detail", patient.pk)).content.decode()
    )


def test_bad_link_days_are_a_message_not_an_error(client_for, front_desk, questionnaire):
    patient = PatientFactory()
    response = client_for(front_desk).post(
        url("intake-link-create", patient.pk), {"expires_in_days": "500"}, follow=True
    )
    assert "Choose how many days" in response.content.decode()
    assert not Intake.objects.exists()


def test_emailing_without_an_address_says_so(client_for, front_desk, questionnaire):
    intake = IntakeFactory(patient__email="")
    response = client_for(front_desk).post(
        url("intake-link-email", intake.patient.pk, intake.pk), follow=True
    )
    assert "no email address" in response.content.decode()
    assert mail.outbox == []


def test_expired_link_shows_as_expired(client_for, front_desk, questionnaire):
    intake = IntakeFactory(expires_at=timezone.now() - datetime.timedelta(days=1))
    page = client_for(front_desk).get(url("patient-detail", intake.patient.pk)).content.decode()
    assert 'data-status="expired"' in page
    assert "Intake link expired" in page


# --- Patient page query budget -------------------------------------------------------------


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (180, 140, 120)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def plan_with_sessions(patient, assessment, provider, *, days_ago: int):
    """An accepted plan from the assessment: session 1 done (pinch measured, before and after
    photos), session 2 booked."""
    from treatments.appointments import services as sessions

    plan = accepted_plan(patient=patient, sessions=2, start=TODAY - datetime.timedelta(days=60))
    plan.assessment = assessment
    plan.save(update_fields=["assessment"])
    now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    done = appointment_at(
        plan.sessions.get(number=1), now - datetime.timedelta(days=days_ago), provider=provider
    )
    sessions.session_record(
        appointment=done,
        status="done",
        by=provider,
        intake_reconfirmed=True,
        areas=[sessions.AreaRecord(area=area("upper_back"), pinch_mm=26, vials=2, lot_numbers="L")],
    )
    for kind in ("before", "after"):
        sessions.photo_add(
            appointment=done, upload=png(), kind=kind, area=area("upper_back"), by=provider
        )
    appointment_at(
        plan.sessions.get(number=2), now + datetime.timedelta(days=days_ago), provider=provider
    )
    return plan


def test_patient_page_queries_do_not_grow_with_plans_and_sessions(
    client_for, provider, settings, tmp_path, django_assert_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    setup_clinic(provider)
    patient = PatientFactory()
    submit_intake(patient)
    assessment = assessment_for(provider, patient=patient)
    client = client_for(provider)
    url_ = url("patient-detail", patient.pk)
    for count in (1, 6):
        while patient.plans.count() < count:
            plan_with_sessions(patient, assessment, provider, days_ago=10 + patient.plans.count())
        client.get(url_)
        # 1 session, 2 user, 3-4 the user's and the groups' permissions, 5 patient;
        # screening: 6 the latest submitted response;
        # intakes: 7 intakes, 8 their responses;
        # assessments: 9 assessments with providers, 10 their areas, 11 the body areas;
        # plans: 12 plans with treatments, 13 their consents;
        # outcome warnings: 14 the open ones;
        # progress: 15 plans with session counts, 16 their assessments' areas, 17 done
        # sessions, 18 what they measured per area, 19 photos;
        # timeline: 20 assessments, 21 plan status changes, 22 appointments;
        # 23 the audit entry of the read (who opened the chart);
        # 24 the user's groups (the role badge in the header).
        with django_assert_num_queries(24):
            page = client.get(url_).content.decode()
        assert page.count('data-testid="plan-row"') == count
        assert page.count('data-testid="patient-progress"') == count
        assert page.count('class="progress-chart"') == count
        assert page.count('alt="After"') == count


# --- What people read: names, never codes; heights and weights in the clinic's units -------

RAW_CODES = ("pregnancy", "infection_at_site", "anticoagulants", "raynauds")
NAMES = (
    "Pregnant or breastfeeding",
    "Infection or open wound at the treatment area",
    "Takes an anticoagulant or antiplatelet medicine",
)


def visible_text(html: str) -> str:
    """The page as a person reads it: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]*>", " ", html)


def test_pages_show_condition_names_never_codes(client_for, provider):
    assessment = assessment_for(provider)
    response = submit_intake(assessment.patient, pregnant="yes", infection_at_site="yes")
    patient = assessment.patient
    client = client_for(provider)
    pages = {
        "patient": reverse("consultations:patient-detail", args=[patient.pk]),
        "intake answers": reverse(
            "consultations:intake-detail", args=[patient.pk, response.intake_id]
        ),
        "assessment": reverse("consultations:assessment-detail", args=[patient.pk, assessment.pk]),
    }
    for name, url in pages.items():
        text = visible_text(client.get(url).content.decode())
        for code in RAW_CODES:
            assert code not in text, f"{code!r} shown on the {name} page"
        for condition in NAMES:
            assert condition in text, f"{condition!r} missing from the {name} page"


def test_a_flag_stored_without_a_name_is_shown_in_words(client_for, provider, questionnaire):
    patient = PatientFactory()
    response = submit_intake(patient, infection_at_site="yes")
    response.flags = [{**flag, "label": ""} for flag in response.flags]
    response.save()
    page = client_for(provider).get(reverse("consultations:patient-detail", args=[patient.pk]))
    text = visible_text(page.content.decode())
    assert "infection_at_site" not in text
    assert "Infection at site" in text


def test_the_intake_answers_page_shows_the_clinics_units_and_cm_and_kg(
    client_for, provider, questionnaire, settings
):
    settings.CLINIC_UNITS = "us"
    patient = PatientFactory()
    response = submit_intake(patient, height="167.64", weight="68.04")
    url = reverse("consultations:intake-detail", args=[patient.pk, response.intake_id])
    text = visible_text(client_for(provider).get(url).content.decode())
    assert "5 ft 6 in (167.6 cm)" in text
    assert "150 lb (68 kg)" in text
    settings.CLINIC_UNITS = "metric"
    text = visible_text(client_for(provider).get(url).content.decode())
    assert "167.6 cm" in text and "68 kg" in text and " lb" not in text
