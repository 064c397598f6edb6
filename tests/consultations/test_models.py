"""A published questionnaire is frozen at the model layer: none of its parts can be created,
changed, moved in or out, or deleted, whoever asks (admin, service, shell)."""

import pytest
from django.core.exceptions import ValidationError

from consultations import services
from consultations.models import Choice, Question, Questionnaire, ScreeningRule, Section
from treatments.catalog.models import Condition

pytestmark = pytest.mark.django_db

FROZEN = "is published, so it is frozen"


@pytest.fixture
def draft(questionnaire):
    return services.questionnaire_new_version(questionnaire=questionnaire)


def first_question(questionnaire, key="pregnant"):
    return Question.objects.get(section__questionnaire=questionnaire, key=key)


def test_a_drafts_section_cannot_move_into_the_published_version(questionnaire, draft):
    section = draft.sections.get(title="Pregnancy")
    section.questionnaire = questionnaire
    with pytest.raises(ValidationError) as refused:
        section.full_clean()
    assert FROZEN in refused.value.message_dict["questionnaire"][0]
    with pytest.raises(ValidationError, match=FROZEN):
        section.save()
    assert questionnaire.sections.filter(title="Pregnancy").count() == 1


def test_a_published_section_cannot_move_out_change_or_go(questionnaire, draft):
    section = questionnaire.sections.get(title="Pregnancy")
    section.questionnaire = draft
    with pytest.raises(ValidationError, match=FROZEN):
        section.save()
    section.refresh_from_db()
    section.title = "Changed"
    with pytest.raises(ValidationError, match=FROZEN):
        section.save()
    with pytest.raises(ValidationError, match=FROZEN):
        section.delete()
    assert questionnaire.sections.filter(title="Pregnancy").exists()


def test_nothing_can_be_added_under_a_published_version(questionnaire):
    section = questionnaire.sections.first()
    question = first_question(questionnaire)
    condition = Condition.objects.first()
    for part in (
        Section(questionnaire=questionnaire, title="Extra"),
        Question(section=section, key="extra", text="Extra?", type="yes_no"),
        Choice(question=question, value="maybe", label="Maybe"),
        ScreeningRule(question=question, value="no", condition=condition, severity="info"),
    ):
        with pytest.raises(ValidationError, match=FROZEN):
            part.save()


@pytest.mark.parametrize("model", [Question, Choice, ScreeningRule])
def test_a_published_versions_questions_choices_and_rules_cannot_change(questionnaire, model):
    if model is Question:
        part = first_question(questionnaire)
    elif model is Choice:
        part = Choice.objects.filter(question__section__questionnaire=questionnaire).first()
    else:
        part = ScreeningRule.objects.filter(question__section__questionnaire=questionnaire).first()
    with pytest.raises(ValidationError, match=FROZEN):
        part.save()
    with pytest.raises(ValidationError, match=FROZEN):
        part.full_clean()
    with pytest.raises(ValidationError, match=FROZEN):
        part.delete()
    assert model.objects.filter(pk=part.pk).exists()


def test_a_drafts_question_cannot_move_into_a_published_section(questionnaire, draft):
    question = first_question(draft)
    question.section = questionnaire.sections.first()
    with pytest.raises(ValidationError, match=FROZEN):
        question.save()


def test_a_published_versions_texts_are_frozen_and_it_cannot_be_deleted(questionnaire):
    questionnaire.title = "Changed"
    with pytest.raises(ValidationError, match=FROZEN):
        questionnaire.save()
    with pytest.raises(ValidationError, match=FROZEN):
        Questionnaire.objects.get(pk=questionnaire.pk).delete()
    assert Questionnaire.objects.get(pk=questionnaire.pk).title != "Changed"


def test_a_draft_is_edited_freely_then_frozen_by_publishing(draft):
    question = first_question(draft)
    question.text = "Are you pregnant or breastfeeding?"
    question.save()
    Choice.objects.create(
        question=first_question(draft, key="referral_source"), value="radio", label="Radio"
    )
    Choice.objects.get(question__section__questionnaire=draft, value="radio").delete()
    services.questionnaire_publish(questionnaire=draft)
    question.text = "Again"
    with pytest.raises(ValidationError, match=FROZEN):
        question.save()


def test_show_if_must_stay_in_the_same_version(questionnaire, draft):
    question = first_question(draft, key="weight_history")
    question.show_if_question = first_question(questionnaire, key="weight_stable")
    with pytest.raises(ValidationError) as refused:
        question.full_clean()
    assert "same questionnaire version" in refused.value.message_dict["show_if_question"][0]
