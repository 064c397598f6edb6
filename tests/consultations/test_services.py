import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import services
from consultations.demo import SUBMITTED_ANSWERS
from consultations.models import IntakeResponse, IntakeStatus, Question, Questionnaire
from consultations.selectors import all_questions, questionnaire_current, questionnaire_steps
from tests.consultations.factories import IntakeFactory, PatientFactory

pytestmark = pytest.mark.django_db


def steps_of(intake):
    return questionnaire_steps(questionnaire=intake.questionnaire)


def test_patient_create_prefers_the_phone_when_there_is_no_email():
    patient = services.patient_create(
        data={
            "first_name": "Dana",
            "last_name": "Reyes",
            "date_of_birth": datetime.date(1985, 5, 5),
            "sex": "female",
            "phone": "+14155550100",
        }
    )
    assert patient.preferred_contact == "phone"


def test_intake_link_expires_after_the_configured_days(questionnaire, settings):
    settings.INTAKE_LINK_DAYS = 3
    now = timezone.now()
    intake = services.intake_link_create(patient=PatientFactory(), now=now)
    assert intake.expires_at == now + datetime.timedelta(days=3)
    assert intake.questionnaire == questionnaire
    assert len(intake.token) >= 40
    assert intake.status == IntakeStatus.SENT


def test_intake_link_days_can_be_chosen_per_link(questionnaire):
    now = timezone.now()
    intake = services.intake_link_create(patient=PatientFactory(), expires_in_days=30, now=now)
    assert intake.expires_at == now + datetime.timedelta(days=30)
    with pytest.raises(ValidationError):
        services.intake_link_create(patient=PatientFactory(), expires_in_days=0)


def test_tokens_are_unique(questionnaire):
    patient = PatientFactory()
    tokens = {services.intake_link_create(patient=patient).token for _ in range(20)}
    assert len(tokens) == 20


def test_no_published_questionnaire_is_a_clear_error(db):
    Questionnaire.objects.update(published_at=None)
    with pytest.raises(ValidationError, match="No questionnaire is published"):
        services.intake_link_create(patient=PatientFactory())


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, IntakeStatus.SENT),
        ({"started_at": timezone.now()}, IntakeStatus.IN_PROGRESS),
        ({"expires_at": timezone.now() - datetime.timedelta(seconds=1)}, IntakeStatus.EXPIRED),
        ({"revoked_at": timezone.now()}, IntakeStatus.REVOKED),
        ({"submitted_at": timezone.now()}, IntakeStatus.SUBMITTED),
    ],
)
def test_intake_status(questionnaire, changes, status):
    assert IntakeFactory(**changes).status == status


def test_revoke_closes_the_link_and_cannot_revoke_a_submitted_one(questionnaire, front_desk):
    intake = services.intake_link_revoke(intake=IntakeFactory(), by=front_desk)
    assert intake.status == IntakeStatus.REVOKED
    assert intake.revoked_by == front_desk
    with pytest.raises(ValidationError):
        services.intake_link_revoke(intake=IntakeFactory(submitted_at=timezone.now()))


def test_email_sends_the_link_to_the_patient(questionnaire):
    intake = IntakeFactory(patient__email="dana@example.com", patient__first_name="Dana")
    services.intake_link_email(intake=intake, url="https://clinic.test/intake/abc/")
    (message,) = mail.outbox
    assert message.to == ["dana@example.com"]
    assert "Hello Dana" in message.body
    assert "https://clinic.test/intake/abc/" in message.body
    assert intake.emailed_at is not None


def test_email_needs_an_address_and_an_open_link(questionnaire):
    with pytest.raises(ValidationError, match="no email address"):
        services.intake_link_email(intake=IntakeFactory(patient__email=""), url="u")
    with pytest.raises(ValidationError, match="closed"):
        services.intake_link_email(intake=IntakeFactory(revoked_at=timezone.now()), url="u")
    assert mail.outbox == []


def test_save_step_keeps_valid_answers_as_a_draft_and_reports_errors(questionnaire):
    intake = IntakeFactory()
    steps = steps_of(intake)
    outcome = services.intake_save_step(
        intake=intake, steps=steps, step=steps[0], raw={"height": "165", "weight": "heavy"}
    )
    assert outcome.result.errors == {
        "weight": "Enter a number, for example 72 or 72.5.",
        "weight_stable": "Please answer this question.",
    }
    intake.refresh_from_db()
    assert intake.draft == {"height": "165"}
    assert intake.status == IntakeStatus.IN_PROGRESS


def test_changing_an_answer_drops_answers_it_hid_on_later_steps(questionnaire):
    intake = IntakeFactory()
    steps = steps_of(intake)
    medicines = steps[3]
    services.intake_save_step(
        intake=intake,
        steps=steps,
        step=medicines,
        raw={
            "takes_medicines": "yes",
            "medicine_kinds": ["anticoagulant"],
            "medicine_list": "Warfarin",
            "has_allergies": "no",
            "deoxycholic_allergy": "no",
        },
    )
    assert intake.draft["medicine_kinds"] == ["anticoagulant"]
    services.intake_save_step(
        intake=intake,
        steps=steps,
        step=medicines,
        raw={
            "takes_medicines": "no",
            "medicine_kinds": ["anticoagulant"],
            "has_allergies": "no",
            "deoxycholic_allergy": "no",
        },
    )
    intake.refresh_from_db()
    assert "medicine_kinds" not in intake.draft
    assert "medicine_list" not in intake.draft


def test_submit_screens_stores_the_response_and_closes_the_link(questionnaire):
    intake = IntakeFactory(draft={**SUBMITTED_ANSWERS, "pregnant": "yes"})
    response = services.intake_submit(intake=intake)
    assert [(f.code, f.severity.value) for f in response.flag_list] == [
        ("pregnancy", "exclude"),
        ("raynauds", "warn"),
        ("anticoagulants", "warn"),
    ]
    assert response.conditions == ["pregnancy", "raynauds", "anticoagulants"]
    assert response.questionnaire == questionnaire
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED
    with pytest.raises(services.IntakeClosed):
        services.intake_submit(intake=intake)
    assert IntakeResponse.objects.count() == 1


def test_submit_refuses_missing_required_answers(questionnaire):
    answers = {k: v for k, v in SUBMITTED_ANSWERS.items() if k != "pregnant"}
    intake = IntakeFactory(draft=answers)
    with pytest.raises(ValidationError) as exc:
        services.intake_submit(intake=intake)
    assert exc.value.message_dict == {"pregnant": ["Please answer this question."]}
    intake.refresh_from_db()
    assert intake.submitted_at is None


def test_submit_ignores_answers_to_hidden_questions(questionnaire):
    draft = {**SUBMITTED_ANSWERS, "takes_medicines": "no", "medicine_kinds": ["anticoagulant"]}
    draft.pop("medicine_list")
    response = services.intake_submit(intake=IntakeFactory(draft=draft))
    assert "anticoagulants" not in response.conditions
    assert "medicine_kinds" not in response.answers


def test_expired_or_revoked_links_cannot_save(questionnaire):
    for closed in (
        IntakeFactory(expires_at=timezone.now() - datetime.timedelta(minutes=1)),
        IntakeFactory(revoked_at=timezone.now()),
    ):
        steps = steps_of(closed)
        with pytest.raises(services.IntakeClosed):
            services.intake_save_step(intake=closed, steps=steps, step=steps[0], raw={})


# --- Versions ------------------------------------------------------------------------------


def test_new_version_copies_everything_and_leaves_the_published_one_alone(questionnaire):
    draft = services.questionnaire_new_version(questionnaire=questionnaire)
    assert (draft.slug, draft.version, draft.is_published) == ("intake", 2, False)
    assert draft.previous == questionnaire
    old, new = (all_questions(questionnaire_steps(questionnaire=q)) for q in (questionnaire, draft))
    assert old == new  # same questions, choices, show-ifs and rules
    assert not Question.objects.filter(
        section__questionnaire=draft, show_if_question__section__questionnaire=questionnaire
    ).exists()
    # New links keep asking the published version until the draft is published.
    assert questionnaire_current() == questionnaire
    services.questionnaire_publish(questionnaire=draft)
    assert questionnaire_current() == draft


def test_responses_record_the_version_they_answered(questionnaire):
    old_intake = IntakeFactory(draft=SUBMITTED_ANSWERS)
    draft = services.questionnaire_new_version(questionnaire=questionnaire)
    Question.objects.filter(section__questionnaire=draft, key="goals").update(text="Your goals?")
    services.questionnaire_publish(questionnaire=draft)
    new_intake = services.intake_link_create(patient=PatientFactory())
    new_intake.draft = SUBMITTED_ANSWERS
    new_intake.save()
    assert services.intake_submit(intake=old_intake).questionnaire == questionnaire
    assert services.intake_submit(intake=new_intake).questionnaire == draft
    assert Question.objects.get(section__questionnaire=questionnaire, key="goals").text != (
        "Your goals?"
    )


def test_publish_refuses_a_broken_definition(questionnaire):
    draft = services.questionnaire_new_version(questionnaire=questionnaire)
    first = Question.objects.filter(section__questionnaire=draft).order_by("section__order").first()
    last = Question.objects.filter(section__questionnaire=draft).order_by("-section__order").first()
    first.show_if_question, first.show_if_value = last, "yes"
    first.save()
    with pytest.raises(ValidationError, match="show-if must refer to an earlier question"):
        services.questionnaire_publish(questionnaire=draft)
    assert not Questionnaire.objects.get(pk=draft.pk).is_published


def test_the_link_email_comes_from_the_clinic_and_gives_its_phone_and_email(
    questionnaire, settings
):
    settings.CLINIC_NAME = "Back Bay Body Clinic"
    settings.CLINIC_PHONE = "+1 617 555 0142"
    settings.CLINIC_EMAIL = "hello@backbay.example"
    intake = IntakeFactory(patient__email="dana@example.com")
    services.intake_link_email(intake=intake, url="https://clinic.test/intake/abc/")
    (message,) = mail.outbox
    assert message.from_email == "Back Bay Body Clinic <hello@backbay.example>"
    assert "Phone: +1 617 555 0142" in message.body
    assert "Email: hello@backbay.example" in message.body
    assert "just reply to this email or call us" in message.body


def test_without_a_clinic_address_the_link_email_uses_the_default_sender(questionnaire, settings):
    settings.CLINIC_PHONE = "+1 617 555 0142"
    settings.CLINIC_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "Contour <no-reply@clinic.test>"
    services.intake_link_email(intake=IntakeFactory(), url="https://clinic.test/intake/abc/")
    (message,) = mail.outbox
    assert message.from_email == "Contour <no-reply@clinic.test>"
    assert "Phone: +1 617 555 0142" in message.body
    assert "Email:" not in message.body and "reply to this email" not in message.body
