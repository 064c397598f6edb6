"""The patient's side: steps, drafts, show-if on the server, review, submit, closed links."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.demo import SUBMITTED_ANSWERS
from consultations.models import IntakeResponse, IntakeStatus
from tests.consultations.factories import IntakeFactory

pytestmark = pytest.mark.django_db


def url(name, token, *args):
    return reverse(f"consultations:intake-{name}", args=[token, *args])


@pytest.fixture
def intake(questionnaire):
    return IntakeFactory(patient__first_name="Dana")


def test_start_page_greets_the_patient_and_links_to_step_one(client, intake):
    response = client.get(url("start", intake.token))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hello Dana" in page
    assert url("step", intake.token, 1) in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.usefixtures("metric_clinic")
def test_a_step_shows_its_questions(client, intake):
    page = client.get(url("step", intake.token, 1)).content.decode()
    assert "Step 1 of 7" in page
    assert 'name="height"' in page and ">cm<" in page
    # Conditional on this step: rendered hidden, shown by the script.
    assert re.search(r'data-question="weight_history"[^>]*hidden', page, re.S)


@pytest.mark.usefixtures("metric_clinic")
def test_errors_appear_next_to_the_field_and_valid_answers_are_kept(client, intake):
    response = client.post(
        url("step", intake.token, 1), {"height": "165", "weight": "900", "action": "next"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-weight"' in page
    assert "Enter a number between 30 and 300 kg." in page
    assert 'data-testid="error-weight_stable"' in page
    assert 'value="165"' in page
    intake.refresh_from_db()
    assert intake.draft == {"height": "165"}


@pytest.mark.usefixtures("metric_clinic")
def test_a_valid_step_saves_the_draft_and_moves_on(client, intake):
    response = client.post(
        url("step", intake.token, 1),
        {"height": "165", "weight": "68", "weight_stable": "yes", "action": "next"},
    )
    assert response.status_code == 302
    assert response.url == url("step", intake.token, 2)
    intake.refresh_from_db()
    assert intake.draft == {"height": "165", "weight": "68", "weight_stable": "yes"}
    assert intake.status == IntakeStatus.IN_PROGRESS


@pytest.mark.usefixtures("metric_clinic")
def test_hidden_answers_are_dropped_on_the_server(client, intake):
    client.post(
        url("step", intake.token, 1),
        {"height": "165", "weight": "68", "weight_stable": "yes", "weight_history": "lost 10 kg"},
    )
    intake.refresh_from_db()
    assert "weight_history" not in intake.draft


def test_a_shown_conditional_question_is_required(client, intake):
    response = client.post(
        url("step", intake.token, 4),
        {"takes_medicines": "yes", "has_allergies": "no", "deoxycholic_allergy": "no"},
    )
    assert 'data-testid="error-medicine_list"' in response.content.decode()


def test_back_saves_without_requiring_answers(client, intake):
    response = client.post(url("step", intake.token, 2), {"action": "back"})
    assert response.status_code == 302
    assert response.url == url("step", intake.token, 1)


@pytest.mark.usefixtures("metric_clinic")
def test_coming_back_resumes_at_the_first_unfinished_step(client, questionnaire):
    intake = IntakeFactory(
        draft={k: SUBMITTED_ANSWERS[k] for k in ("height", "weight", "weight_stable", "pregnant")},
        started_at=timezone.now(),
    )
    page = client.get(url("start", intake.token)).content.decode()
    assert "Continue where you left off" in page
    assert url("step", intake.token, 3) in page
    step = client.get(url("step", intake.token, 1)).content.decode()
    assert 'value="165"' in step


def test_review_lists_missing_answers_and_refuses_to_submit(client, intake):
    page = client.get(url("review", intake.token)).content.decode()
    assert "Not answered yet (required)" in page
    response = client.post(url("review", intake.token))
    assert response.status_code == 400
    assert not IntakeResponse.objects.exists()


def test_submit_then_the_link_is_read_only(client, questionnaire):
    intake = IntakeFactory(
        draft={**SUBMITTED_ANSWERS, "pregnant": "yes"}, started_at=timezone.now()
    )
    review = client.get(url("review", intake.token)).content.decode()
    assert "Apixaban 5 mg" in review
    response = client.post(url("review", intake.token))
    assert response.status_code == 302
    assert response.url == url("done", intake.token)
    done = client.get(response.url)
    assert "Thank you" in done.content.decode()
    response = IntakeResponse.objects.get()
    assert response.conditions == ["pregnancy", "raynauds", "anticoagulants"]
    # Every page of the link now leads to the thank-you page and changes nothing.
    for target in (
        url("start", intake.token),
        url("step", intake.token, 1),
        url("review", intake.token),
    ):
        assert client.get(target).url == url("done", intake.token)
    client.post(url("step", intake.token, 2), {"pregnant": "no"})
    client.post(url("review", intake.token))
    assert IntakeResponse.objects.count() == 1
    intake.refresh_from_db()
    assert intake.draft["pregnant"] == "yes"


@pytest.mark.parametrize(
    ("changes", "status", "text"),
    [
        ({"revoked_at": timezone.now()}, 410, "no longer active"),
        ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, 410, "has expired"),
    ],
)
def test_closed_links_get_a_friendly_page(client, questionnaire, changes, status, text):
    intake = IntakeFactory(patient__first_name="Dana", patient__last_name="Secret", **changes)
    for target in (
        url("start", intake.token),
        url("step", intake.token, 1),
        url("review", intake.token),
        url("done", intake.token),
    ):
        response = client.get(target)
        page = response.content.decode()
        assert response.status_code == status
        assert text in page
        assert "Dana" not in page and "Secret" not in page
    assert client.post(url("step", intake.token, 1), {"height": "170"}).status_code == status


def test_unknown_links_are_404_and_show_nothing_of_anyone(client, intake):
    for token in ("nope", intake.token[:-1], "x" * 80):
        response = client.get(url("start", token))
        assert response.status_code == 404
        assert "We could not find this questionnaire" in response.content.decode()
        assert "Dana" not in response.content.decode()


def test_patient_pages_have_no_links_to_staff_pages(client, questionnaire):
    intake = IntakeFactory(draft=SUBMITTED_ANSWERS, started_at=timezone.now())
    pages = [
        client.get(url("start", intake.token)),
        client.get(url("step", intake.token, 1)),
        client.get(url("review", intake.token)),
    ]
    client.post(url("review", intake.token))
    pages.append(client.get(url("done", intake.token)))
    pages.append(client.get(url("start", "unknown")))
    for response in pages:
        hrefs = re.findall(r'(?:href|action)="([^"]*)"', response.content.decode())
        for href in hrefs:
            assert href == "" or href.startswith(("/intake/", "/static/", "#")), href


def test_an_out_of_range_step_goes_back_to_the_start(client, intake):
    assert client.get(url("step", intake.token, 99)).url == url("start", intake.token)


# --- Heights and weights in the clinic's units --------------------------------------------


@pytest.mark.usefixtures("us_clinic")
def test_a_us_clinic_asks_feet_and_inches_and_pounds_and_stores_cm_and_kg(client, intake):
    page = client.get(url("step", intake.token, 1)).content.decode()
    assert 'name="height"' in page and 'name="height-in"' in page and 'name="weight"' in page
    assert ">ft<" in page and ">in<" in page and ">lb<" in page
    assert "In feet and inches, for example 5 ft 5 in." in page
    assert "centimetres" not in page and ">cm<" not in page and ">kg<" not in page

    response = client.post(
        url("step", intake.token, 1),
        {"height": "5", "height-in": "6", "weight": "150,5", "weight_stable": "yes"},
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.draft == {"height": "167.64", "weight": "68.27", "weight_stable": "yes"}
    # Coming back to the step shows what the patient typed, in the same units.
    again = client.get(url("step", intake.token, 1)).content.decode()
    assert 'value="5"' in again and 'value="6"' in again and 'value="150.5"' in again


@pytest.mark.usefixtures("us_clinic")
def test_a_us_clinics_errors_speak_us_units_and_keep_what_was_typed(client, intake):
    response = client.post(
        url("step", intake.token, 1),
        {"height": "5", "height-in": "14", "weight": "20", "weight_stable": "yes"},
    )
    page = response.content.decode()
    assert "Enter the inches as a number from 0 to 11." in page
    assert "Enter between 67 lb and 661 lb." in page
    assert 'value="14"' in page and 'value="20"' in page


@pytest.mark.usefixtures("us_clinic")
def test_a_us_clinics_review_shows_feet_inches_and_pounds(client, questionnaire):
    intake = IntakeFactory(
        draft={**SUBMITTED_ANSWERS, "height": "167.64", "weight": "68.27"},
        started_at=timezone.now(),
    )
    page = client.get(url("review", intake.token)).content.decode()
    assert "5 ft 6 in" in page and "150.5 lb" in page
    assert "167.64" not in page


@pytest.mark.usefixtures("metric_clinic")
def test_a_comma_decimal_is_read_as_a_decimal_not_thousands(client, intake):
    response = client.post(
        url("step", intake.token, 1),
        {"height": "165,5", "weight": "68,5", "weight_stable": "yes"},
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert (intake.draft["height"], intake.draft["weight"]) == ("165.5", "68.5")


@pytest.mark.usefixtures("metric_clinic")
def test_an_ambiguous_number_is_refused_with_a_clear_message(client, intake):
    page = client.post(
        url("step", intake.token, 1),
        {"height": "165", "weight": "1,234,5", "weight_stable": "yes"},
    ).content.decode()
    assert "We could not read “1,234,5” as one number" in page


# --- The clinic's phone and email where a patient needs them --------------------------------


@pytest.fixture
def clinic_details(settings):
    settings.CLINIC_NAME = "Back Bay Body Clinic"
    settings.CLINIC_PHONE = "+1 617 555 0142"
    settings.CLINIC_EMAIL = "hello@backbay.example"


@pytest.mark.usefixtures("clinic_details")
def test_the_done_page_gives_the_clinics_phone_and_email(client, questionnaire):
    intake = IntakeFactory(draft=SUBMITTED_ANSWERS, started_at=timezone.now())
    client.post(url("review", intake.token))
    page = client.get(url("done", intake.token)).content.decode()
    assert "Thank you" in page
    assert "+1 617 555 0142" in page and "hello@backbay.example" in page
    assert "please call or email Back Bay Body Clinic" in page


@pytest.mark.usefixtures("clinic_details")
@pytest.mark.parametrize(
    "changes",
    [
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - datetime.timedelta(minutes=1)},
    ],
)
def test_closed_and_unknown_links_give_the_clinics_phone_and_email(client, questionnaire, changes):
    intake = IntakeFactory(**changes)
    for target in (url("start", intake.token), url("start", "unknown-token")):
        page = client.get(target).content.decode()
        assert "+1 617 555 0142" in page and "hello@backbay.example" in page
        assert "Please contact Back Bay Body Clinic and ask for a new link." in page


def test_empty_contact_details_are_left_out(client, questionnaire, settings):
    settings.CLINIC_PHONE = ""
    settings.CLINIC_EMAIL = "hello@backbay.example"
    page = client.get(url("start", "unknown-token")).content.decode()
    assert "hello@backbay.example" in page
    assert "Phone:" not in page
    settings.CLINIC_EMAIL = ""
    page = client.get(url("start", "unknown-token")).content.decode()
    assert 'data-testid="clinic-contact"' not in page
    assert "Please contact" in page


def test_a_nul_byte_in_an_intake_answer_is_refused_and_nothing_is_stored(client, questionnaire):
    intake = IntakeFactory()
    response = client.post(
        reverse("consultations:intake-step", args=[intake.token, 1]),
        {"height": "165\x00", "weight": "68", "weight_stable": "yes", "action": "next"},
    )
    assert response.status_code == 400
    assert b"control character" in response.content
    intake.refresh_from_db()
    assert intake.draft == {}
