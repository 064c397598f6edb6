"""Clinic admins edit questionnaires in the admin; published versions are frozen."""

import pytest
from django.urls import reverse

from consultations.models import Question, Questionnaire

pytestmark = pytest.mark.django_db


def test_a_published_questionnaire_is_read_only(client_for, clinic_admin, questionnaire):
    client = client_for(clinic_admin)
    change = reverse("admin:consultations_questionnaire_change", args=[questionnaire.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    question = Question.objects.filter(section__questionnaire=questionnaire).first()
    response = client.post(
        reverse("admin:consultations_question_change", args=[question.pk]),
        {"text": "Changed", "key": question.key, "type": question.type},
    )
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text != "Changed"


def test_new_version_action_then_edit_then_publish(client_for, clinic_admin, questionnaire):
    client = client_for(clinic_admin)
    changelist = reverse("admin:consultations_questionnaire_changelist")
    client.post(changelist, {"action": "new_version", "_selected_action": [questionnaire.pk]})
    draft = Questionnaire.objects.get(version=2)
    assert not draft.is_published
    page = client.get(reverse("admin:consultations_questionnaire_change", args=[draft.pk]))
    assert 'name="_save"' in page.content.decode()
    question = Question.objects.get(section__questionnaire=draft, key="goals")
    assert (
        client.get(reverse("admin:consultations_question_change", args=[question.pk])).status_code
        == 200
    )
    client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published


def test_other_roles_cannot_open_the_questionnaire_admin(client_for, provider, front_desk):
    url = reverse("admin:consultations_questionnaire_changelist")
    for user in (provider, front_desk):
        response = client_for(user).get(url)
        assert response.status_code == 302
        assert "login" in response.url


def test_a_drafts_section_cannot_be_moved_to_the_published_version(
    client_for, clinic_admin, questionnaire
):
    client = client_for(clinic_admin)
    changelist = reverse("admin:consultations_questionnaire_changelist")
    client.post(changelist, {"action": "new_version", "_selected_action": [questionnaire.pk]})
    draft = Questionnaire.objects.get(version=2)
    section = draft.sections.get(title="Pregnancy")
    change = reverse("admin:consultations_section_change", args=[section.pk])

    page = client.get(change).content.decode()
    # The dropdown offers drafts only.
    assert f'<option value="{draft.pk}" selected>' in page
    assert f'<option value="{questionnaire.pk}"' not in page

    response = client.post(
        change,
        {
            "questionnaire": questionnaire.pk,
            "title": section.title,
            "intro": section.intro,
            "order": section.order,
            "questions-TOTAL_FORMS": 0,
            "questions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Choose a draft: a published questionnaire is frozen" in errors["questionnaire"][0]
    section.refresh_from_db()
    assert section.questionnaire == draft
    assert questionnaire.sections.filter(title="Pregnancy").count() == 1
