"""Screening: answers -> flags. No database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultations.questionnaire import (
    Choice,
    QuestionDef,
    QuestionType,
    Rule,
    Severity,
    ShowIf,
)
from consultations.screening import Flag, conditions, screen

T, S = QuestionType, Severity

PREGNANT = QuestionDef(
    "pregnant",
    "Are you pregnant or breastfeeding?",
    T.YES_NO,
    rules=(Rule("yes", "pregnancy", S.EXCLUDE, "Pregnant or breastfeeding"),),
)
MEDS = QuestionDef(
    "meds",
    "Do you take any of these?",
    T.MULTIPLE_CHOICE,
    choices=(
        Choice("anticoagulant", "A blood thinner"),
        Choice("isotretinoin", "Isotretinoin"),
        Choice("vitamins", "Vitamins"),
    ),
    rules=(
        Rule("anticoagulant", "anticoagulants", S.WARN, "Takes an anticoagulant"),
        Rule("isotretinoin", "isotretinoin_recent", S.WARN),
    ),
)
BLEEDING = QuestionDef(
    "bleeding",
    "A bleeding disorder?",
    T.YES_NO,
    rules=(Rule("yes", "bleeding_disorder", S.WARN),),
)
BLEEDING_SEVERE = QuestionDef(
    "bleeding_severe",
    "Is it severe?",
    T.YES_NO,
    show_if=ShowIf("bleeding", "yes"),
    rules=(Rule("yes", "bleeding_disorder", S.EXCLUDE, "Severe bleeding disorder"),),
)
SMOKER = QuestionDef(
    "smoker", "Do you smoke?", T.YES_NO, rules=(Rule("yes", "smoker", S.INFO, "Smoker"),)
)
QUESTIONS = [PREGNANT, MEDS, BLEEDING, BLEEDING_SEVERE, SMOKER]


def codes(flags):
    return [(f.code, f.severity.value) for f in flags]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, []),
        ({"pregnant": "no", "meds": ["vitamins"], "bleeding": "no"}, []),
        ({"pregnant": "yes"}, [("pregnancy", "exclude")]),
        ({"meds": ["anticoagulant"]}, [("anticoagulants", "warn")]),
        (
            {"meds": ["anticoagulant", "isotretinoin"]},
            [("anticoagulants", "warn"), ("isotretinoin_recent", "warn")],
        ),
        # Most serious first, whatever the order of the questions.
        (
            {"smoker": "yes", "meds": ["anticoagulant"], "pregnant": "yes"},
            [("pregnancy", "exclude"), ("anticoagulants", "warn"), ("smoker", "info")],
        ),
        # One flag per condition, at the most serious severity raised.
        (
            {"bleeding": "yes", "bleeding_severe": "yes"},
            [("bleeding_disorder", "exclude")],
        ),
        ({"bleeding": "yes", "bleeding_severe": "no"}, [("bleeding_disorder", "warn")]),
        # An answer to a hidden question raises nothing.
        ({"bleeding": "no", "bleeding_severe": "yes"}, []),
    ],
)
def test_screen(answers, expected):
    assert codes(screen(QUESTIONS, answers)) == expected


def test_flag_names_the_answer_that_raised_it():
    (pregnancy, anticoagulants) = screen(
        QUESTIONS, {"pregnant": "yes", "meds": ["vitamins", "anticoagulant"]}
    )
    assert pregnancy == Flag(
        code="pregnancy",
        severity=S.EXCLUDE,
        label="Pregnant or breastfeeding",
        question="pregnant",
        question_text="Are you pregnant or breastfeeding?",
        answer="Yes",
    )
    assert anticoagulants.answer == "A blood thinner"
    assert anticoagulants.label == "Takes an anticoagulant"


def test_a_rule_without_a_label_falls_back_to_its_code():
    (flag,) = screen(QUESTIONS, {"meds": ["isotretinoin"]})
    assert flag.label == "Isotretinoin recent"


def test_flags_round_trip_through_json():
    flags = screen(QUESTIONS, {"pregnant": "yes", "meds": ["anticoagulant"]})
    assert tuple(Flag.from_json(f.as_json()) for f in flags) == flags
    assert flags[0].as_json()["severity"] == "exclude"


def test_conditions_are_distinct_codes_in_flag_order():
    flags = screen(QUESTIONS, {"pregnant": "yes", "meds": ["anticoagulant"], "bleeding": "yes"})
    assert conditions(flags) == ["pregnancy", "anticoagulants", "bleeding_disorder"]


answers_strategy = st.fixed_dictionaries(
    {},
    optional={
        "pregnant": st.sampled_from(["yes", "no"]),
        "meds": st.lists(
            st.sampled_from(["anticoagulant", "isotretinoin", "vitamins"]), unique=True
        ),
        "bleeding": st.sampled_from(["yes", "no"]),
        "bleeding_severe": st.sampled_from(["yes", "no"]),
        "smoker": st.sampled_from(["yes", "no"]),
    },
)


@given(answers_strategy)
def test_flags_are_sorted_unique_and_each_traces_to_a_rule(answers):
    flags = screen(QUESTIONS, answers)
    ranks = [f.severity.rank for f in flags]
    assert ranks == sorted(ranks)
    assert len({f.code for f in flags}) == len(flags)
    by_key = {q.key: q for q in QUESTIONS}
    for flag in flags:
        rules = by_key[flag.question].rules
        assert any(r.condition == flag.code and r.severity == flag.severity for r in rules)


@given(answers_strategy)
def test_answering_no_to_everything_extra_never_adds_a_flag(answers):
    base = screen(QUESTIONS, answers)
    more = screen(QUESTIONS, {**answers, "smoker": answers.get("smoker", "no")})
    assert set(codes(base)) <= set(codes(more))
