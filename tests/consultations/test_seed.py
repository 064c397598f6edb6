"""The default questionnaire seeded by the data migration."""

import pytest
from django.apps import apps

from consultations.migrations._seed import seed_default_questionnaire
from consultations.models import Questionnaire, ScreeningRule
from consultations.questionnaire import QuestionType, definition_errors
from consultations.selectors import all_questions, questionnaire_steps
from treatments.catalog.migrations._seed import CONDITIONS

pytestmark = pytest.mark.django_db


def test_every_condition_in_the_catalog_is_asked(questionnaire):
    raised = set(
        ScreeningRule.objects.filter(question__section__questionnaire=questionnaire).values_list(
            "condition__code", flat=True
        )
    )
    assert raised == {code for code, _name, _description in CONDITIONS}


def test_every_question_type_is_used_and_the_definition_is_sound(questionnaire):
    questions = all_questions(questionnaire_steps(questionnaire=questionnaire))
    assert {q.type for q in questions} == set(QuestionType)
    assert definition_errors(questions) == []


@pytest.mark.parametrize(
    "key",
    [
        "medical_history",
        "medicine_kinds",
        "has_allergies",
        "pregnant",
        "cold_disorders",
        "bleeding_disorder",
        "infection_at_site",
        "skin_condition_at_site",
        "implant_at_site",
        "previous_procedures",
        "weight_stable",
        "weight_history",
        "height",
        "weight",
        "goals",
        "areas_of_concern",
        "downtime_tolerance",
        "budget",
        "referral_source",
        "photo_consent",
    ],
)
def test_the_issue_topics_are_asked(questionnaire, key):
    keys = {q.key for q in all_questions(questionnaire_steps(questionnaire=questionnaire))}
    assert key in keys


def test_seed_is_published_and_idempotent(questionnaire):
    seed_default_questionnaire(apps)
    assert Questionnaire.objects.filter(slug="intake").count() == 1
    assert questionnaire.is_published
