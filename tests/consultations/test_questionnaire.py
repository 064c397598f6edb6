"""The questionnaire core: every question type, required, show-if, pruning. No database."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultations.questionnaire import (
    REQUIRED_MESSAGE,
    AnswerError,
    Choice,
    QuestionDef,
    QuestionType,
    Rule,
    Severity,
    ShowIf,
    clean_answer,
    definition_errors,
    missing_required,
    prune,
    validate,
    visible_keys,
)

T = QuestionType

SHORT = QuestionDef("name", "Name", T.SHORT_TEXT)
LONG = QuestionDef("history", "History", T.LONG_TEXT)
WEIGHT = QuestionDef(
    "weight", "Weight", T.NUMBER, unit="kg", min_value=Decimal(30), max_value=Decimal(300)
)
HEIGHT_MIN_ONLY = QuestionDef("height", "Height", T.NUMBER, unit="cm", min_value=Decimal(50))
PREGNANT = QuestionDef("pregnant", "Pregnant?", T.YES_NO, required=True)
DOWNTIME = QuestionDef(
    "downtime",
    "Downtime",
    T.SINGLE_CHOICE,
    choices=(Choice("none", "None"), Choice("week", "A week")),
)
MEDS = QuestionDef(
    "meds",
    "Medicines",
    T.MULTIPLE_CHOICE,
    choices=(Choice("anticoagulant", "Blood thinner"), Choice("isotretinoin", "Isotretinoin")),
)
SURGERY_DATE = QuestionDef("surgery_date", "When?", T.DATE)


@pytest.mark.parametrize(
    ("question", "raw", "expected"),
    [
        (SHORT, "  Dana  ", "Dana"),
        (LONG, "line one\nline two", "line one\nline two"),
        (WEIGHT, "72", "72"),
        (WEIGHT, "72.50", "72.5"),
        (WEIGHT, "1,00", "100"),
        (WEIGHT, "30", "30"),
        (WEIGHT, "300", "300"),
        (HEIGHT_MIN_ONLY, "9999", "9999"),
        (PREGNANT, "yes", "yes"),
        (PREGNANT, "No", "no"),
        (DOWNTIME, "week", "week"),
        (DOWNTIME, ["none"], "none"),
        (MEDS, ["isotretinoin", "anticoagulant"], ["anticoagulant", "isotretinoin"]),
        (MEDS, "anticoagulant", ["anticoagulant"]),
        (MEDS, ["anticoagulant", "anticoagulant"], ["anticoagulant"]),
        (SURGERY_DATE, "2024-02-29", "2024-02-29"),
    ],
)
def test_clean_answer_accepts(question, raw, expected):
    assert clean_answer(question, raw) == expected


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (SHORT, "a\nb", "Keep this answer to one line."),
        (SHORT, "x" * 201, "Keep this answer under 200 characters."),
        (LONG, "x" * 4001, "Keep this answer under 4000 characters."),
        (WEIGHT, "heavy", "Enter a number, for example 72 or 72.5."),
        (WEIGHT, "NaN", "Enter a number, for example 72 or 72.5."),
        (WEIGHT, "Infinity", "Enter a number, for example 72 or 72.5."),
        (WEIGHT, "29.9", "Enter a number between 30 and 300 kg."),
        (WEIGHT, "301", "Enter a number between 30 and 300 kg."),
        (HEIGHT_MIN_ONLY, "10", "Enter a number of at least 50 cm."),
        (PREGNANT, "maybe", "Choose one of the options given."),
        (DOWNTIME, "month", "Choose one of the options given."),
        (DOWNTIME, ["none", "week"], "Choose one answer."),
        (MEDS, ["aspirin"], "Choose from the options given."),
        (SURGERY_DATE, "2023-02-29", "Enter a date as YYYY-MM-DD, for example 2024-03-31."),
        (SURGERY_DATE, "yesterday", "Enter a date as YYYY-MM-DD, for example 2024-03-31."),
    ],
)
def test_clean_answer_rejects_with_a_message_for_the_patient(question, raw, message):
    with pytest.raises(AnswerError) as exc:
        clean_answer(question, raw)
    assert str(exc.value) == message


@pytest.mark.parametrize("question", [SHORT, LONG, WEIGHT, PREGNANT, DOWNTIME, MEDS, SURGERY_DATE])
@pytest.mark.parametrize("blank", [None, "", "   ", [], [""]])
def test_blank_answers_are_left_out_or_required(question, blank):
    optional = validate([replace(question, required=False)], {question.key: blank})
    assert optional.answers == {} and optional.ok
    result = validate([replace(question, required=True)], {question.key: blank})
    assert result.errors == {question.key: REQUIRED_MESSAGE}


def test_validate_keeps_valid_answers_and_reports_each_error_by_key():
    result = validate([SHORT, WEIGHT, PREGNANT], {"name": "Dana", "weight": "ten"})
    assert result.answers == {"name": "Dana"}
    assert result.errors == {
        "weight": "Enter a number, for example 72 or 72.5.",
        "pregnant": REQUIRED_MESSAGE,
    }
    assert not result.ok


BREASTFEEDING = QuestionDef(
    "breastfeeding", "Breastfeeding?", T.YES_NO, required=True, show_if=ShowIf("sex", "female")
)
SEX = QuestionDef(
    "sex",
    "Sex",
    T.SINGLE_CHOICE,
    required=True,
    choices=(Choice("female", "F"), Choice("male", "M")),
)
HAD_SURGERY = QuestionDef("had_surgery", "Surgery?", T.YES_NO, required=True)
WHEN = QuestionDef(
    "surgery_date", "When?", T.DATE, required=True, show_if=ShowIf("had_surgery", "yes")
)
WHICH = QuestionDef(
    "which", "Which?", T.SHORT_TEXT, required=True, show_if=ShowIf("surgery_date", "2024-01-01")
)
DOSE = QuestionDef(
    "dose", "Dose?", T.SHORT_TEXT, required=True, show_if=ShowIf("meds", "anticoagulant")
)
CHAIN = [HAD_SURGERY, WHEN, WHICH]


@pytest.mark.parametrize(
    ("questions", "answers", "shown"),
    [
        ([SEX, BREASTFEEDING], {}, {"sex"}),
        ([SEX, BREASTFEEDING], {"sex": "male"}, {"sex"}),
        ([SEX, BREASTFEEDING], {"sex": "female"}, {"sex", "breastfeeding"}),
        (CHAIN, {"had_surgery": "no", "surgery_date": "2024-01-01"}, {"had_surgery"}),
        (
            CHAIN,
            {"had_surgery": "yes", "surgery_date": "2024-01-01"},
            {"had_surgery", "surgery_date", "which"},
        ),
        ([MEDS, DOSE], {"meds": ["anticoagulant", "isotretinoin"]}, {"meds", "dose"}),
        ([MEDS, DOSE], {"meds": ["isotretinoin"]}, {"meds"}),
        # A show-if on a later question never shows (it is a definition error too).
        ([BREASTFEEDING, SEX], {"sex": "female"}, {"sex"}),
    ],
)
def test_visible_keys(questions, answers, shown):
    assert visible_keys(questions, answers) == shown


def test_hidden_questions_are_not_required_and_their_answers_are_dropped():
    result = validate([SEX, BREASTFEEDING], {"sex": "male", "breastfeeding": "yes"})
    assert result.ok
    assert result.answers == {"sex": "male"}


def test_shown_conditional_question_is_required():
    result = validate([SEX, BREASTFEEDING], {"sex": "female"})
    assert result.errors == {"breastfeeding": REQUIRED_MESSAGE}


def test_an_invalid_controlling_answer_hides_what_depends_on_it():
    result = validate(CHAIN, {"had_surgery": "perhaps", "surgery_date": "2024-01-01"})
    assert result.errors == {"had_surgery": "Choose one of the options given."}
    assert result.answers == {}


def test_show_if_can_depend_on_an_earlier_step():
    result = validate([BREASTFEEDING], {}, context={"sex": "female"})
    assert result.errors == {"breastfeeding": REQUIRED_MESSAGE}
    assert (
        validate([BREASTFEEDING], {"breastfeeding": "yes"}, context={"sex": "male"}).answers == {}
    )


def test_prune_drops_answers_an_earlier_change_has_hidden():
    answers = {"had_surgery": "no", "surgery_date": "2024-01-01", "which": "lipo"}
    assert prune(CHAIN, answers) == {"had_surgery": "no"}


def test_missing_required_lists_only_shown_questions():
    assert missing_required(CHAIN, {"had_surgery": "yes"}) == ["surgery_date"]
    assert missing_required(CHAIN, {"had_surgery": "no"}) == []
    assert missing_required(CHAIN, {}) == ["had_surgery"]


@pytest.mark.parametrize(
    ("questions", "problem"),
    [
        ([SHORT, SHORT], "Two questions use the key 'name'."),
        (
            [BREASTFEEDING, SEX],
            "breastfeeding: show-if must refer to an earlier question, not 'sex'.",
        ),
        (
            [SEX, QuestionDef("x", "X", T.YES_NO, show_if=ShowIf("sex", "other"))],
            "x: show-if value 'other' is not an answer to 'sex'.",
        ),
        ([QuestionDef("c", "C", T.SINGLE_CHOICE)], "c: a choice question needs choices."),
        (
            [QuestionDef("n", "N", T.NUMBER, min_value=Decimal(5), max_value=Decimal(1))],
            "n: the minimum is above the maximum.",
        ),
        (
            [
                QuestionDef(
                    "p", "P", T.YES_NO, rules=(Rule("maybe", "pregnancy", Severity.EXCLUDE),)
                )
            ],
            "p: the screening rule's value 'maybe' is not one of the question's answers.",
        ),
        (
            [QuestionDef("c", "C", T.SINGLE_CHOICE, choices=(Choice("a", "A"), Choice("a", "B")))],
            "c: two choices share a value.",
        ),
    ],
)
def test_definition_errors(questions, problem):
    assert problem in definition_errors(questions)


def test_a_sound_definition_has_no_errors():
    assert definition_errors([SEX, BREASTFEEDING, *CHAIN, MEDS, DOSE, WEIGHT]) == []


def test_label_for_shows_what_the_patient_picked():
    assert PREGNANT.label_for("yes") == "Yes"
    assert MEDS.label_for(["anticoagulant"]) == "Blood thinner"
    assert WEIGHT.label_for("72") == "72 kg"
    assert SHORT.label_for("Dana") == "Dana"


@given(st.decimals(min_value=30, max_value=300, allow_nan=False, places=2))
def test_any_number_in_range_round_trips(number):
    cleaned = clean_answer(WEIGHT, str(number))
    assert Decimal(cleaned) == number
    assert clean_answer(WEIGHT, cleaned) == cleaned


@given(
    st.dictionaries(st.sampled_from(["had_surgery", "surgery_date", "which"]), st.text(max_size=12))
)
def test_validation_never_keeps_an_answer_to_a_hidden_question(raw):
    result = validate(CHAIN, raw)
    assert set(result.answers) <= visible_keys(CHAIN, result.answers)
    assert set(result.answers).isdisjoint(result.errors)


@given(st.lists(st.sampled_from(["anticoagulant", "isotretinoin", ""]), max_size=5))
def test_multiple_choice_answers_are_a_subset_in_questionnaire_order(picked):
    result = validate([MEDS], {"meds": picked})
    if "meds" in result.answers:
        order = [c.value for c in MEDS.choices]
        assert result.answers["meds"] == [v for v in order if v in picked]
