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
    Units,
    clean_answer,
    definition_errors,
    display_answer,
    input_boxes,
    input_hint,
    input_values,
    missing_required,
    parse_number,
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
        (WEIGHT, "68,5", "68.5"),  # a comma decimal, not 685
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


# --- Numbers as people write them, and heights and weights in the clinic's units ---------

AMBIGUOUS = "Use one decimal mark, for example 68.5 or 68,5."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("68", Decimal("68")),
        ("68.5", Decimal("68.5")),
        ("68,5", Decimal("68.5")),  # a comma decimal, not 685
        (" 68,5 ", Decimal("68.5")),
        ("1,00", Decimal("1.00")),
        (",5", Decimal("0.5")),
        ("5,", Decimal("5")),
        ("1,2345", Decimal("1.2345")),
        ("1,234", Decimal("1234")),  # commas that group thousands
        ("12,345,678", Decimal("12345678")),
        ("1,234.5", Decimal("1234.5")),
        ("-3", Decimal("-3")),
        ("+3", Decimal("3")),
    ],
)
def test_parse_number_reads_a_point_or_a_comma_as_the_decimal_mark(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,234,5", AMBIGUOUS),
        ("1.234,5", AMBIGUOUS),
        ("1,23.4", AMBIGUOUS),
        ("1.2.3", AMBIGUOUS),
        ("1,,2", AMBIGUOUS),
        ("abc", "Enter a number, for example 72 or 72.5."),
        ("1e5", "Enter a number, for example 72 or 72.5."),
        ("1 234", "Enter a number, for example 72 or 72.5."),
        (".", "Enter a number, for example 72 or 72.5."),
        ("", "Enter a number, for example 72 or 72.5."),
    ],
)
def test_parse_number_refuses_what_could_be_read_two_ways(text, message):
    with pytest.raises(AnswerError) as refused:
        parse_number(text)
    assert message in str(refused.value)


HEIGHT = QuestionDef(
    "height", "Your height", T.NUMBER, unit="cm", min_value=Decimal(100), max_value=Decimal(230)
)
US = Units.US


@pytest.mark.parametrize(
    ("question", "raw", "stored"),
    [
        (HEIGHT, ["5", "6"], "167.64"),
        (HEIGHT, ["5", "6.5"], "168.91"),
        (HEIGHT, ["5", "6,5"], "168.91"),
        (HEIGHT, ["5", ""], "152.4"),  # blank inches are 0
        (HEIGHT, ["", "66"], "167.64"),  # all in inches
        (HEIGHT, ["3", "4"], "101.6"),  # the lowest the message offers
        (HEIGHT, ["7", "6"], "228.6"),  # the highest
        (WEIGHT, "150", "68.04"),
        (WEIGHT, "150,5", "68.27"),
        (WEIGHT, "67", "30.39"),
        (WEIGHT, "661", "299.82"),
    ],
)
def test_us_units_are_stored_in_cm_and_kg(question, raw, stored):
    assert clean_answer(question, raw, US) == stored


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (HEIGHT, ["5", "12"], "Enter the inches as a number from 0 to 11."),
        (HEIGHT, ["3", "3"], "Enter between 3 ft 4 in and 7 ft 6 in."),
        (HEIGHT, ["7", "7"], "Enter between 3 ft 4 in and 7 ft 6 in."),
        (HEIGHT, ["-5", "0"], "Enter a number of zero or more."),
        (HEIGHT, ["five", "6"], "Enter a number, for example 72 or 72.5."),
        (WEIGHT, "66", "Enter between 67 lb and 661 lb."),
        (WEIGHT, "1,234,5", AMBIGUOUS),
        (replace(WEIGHT, max_value=None), "10", "Enter at least 67 lb."),
    ],
)
def test_us_units_refuse_with_a_message_in_us_units(question, raw, message):
    with pytest.raises(AnswerError) as refused:
        clean_answer(question, raw, US)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("question", "stored", "boxes", "shown", "for_staff"),
    [
        (HEIGHT, "167.64", ("5", "6"), "5 ft 6 in", "5 ft 6 in (167.6 cm)"),
        (HEIGHT, "168.91", ("5", "6.5"), "5 ft 6.5 in", "5 ft 6.5 in (168.9 cm)"),
        (HEIGHT, "182.88", ("6", "0"), "6 ft 0 in", "6 ft 0 in (182.9 cm)"),
        (HEIGHT, "165", ("5", "5"), "5 ft 5 in", "5 ft 5 in (165 cm)"),  # typed in cm
        (WEIGHT, "68.04", ("150",), "150 lb", "150 lb (68 kg)"),
        (WEIGHT, "68.27", ("150.5",), "150.5 lb", "150.5 lb (68.3 kg)"),
    ],
)
def test_a_stored_answer_reads_back_in_us_units(question, stored, boxes, shown, for_staff):
    assert input_values(question, stored, US) == boxes
    assert display_answer(question, stored, US) == shown
    assert display_answer(question, stored, US, with_stored=True) == for_staff


@given(
    feet=st.integers(min_value=4, max_value=7),
    tenths=st.integers(min_value=0, max_value=115),
)
def test_feet_and_inches_round_trip(feet, tenths):
    inches = Decimal(tenths) / 10
    if feet == 7 and inches > 6:
        inches = Decimal(6)
    stored = clean_answer(HEIGHT, [str(feet), str(inches)], US)
    assert input_values(HEIGHT, stored, US) == (str(feet), format(inches.normalize(), "f"))


@given(tenths=st.integers(min_value=670, max_value=6610))
def test_pounds_round_trip(tenths):
    pounds = Decimal(tenths) / 10
    stored = clean_answer(WEIGHT, str(pounds), US)
    assert input_values(WEIGHT, stored, US) == (format(pounds.normalize(), "f"),)


def test_metric_clinics_ask_and_show_cm_and_kg():
    metric = Units.METRIC
    assert input_boxes(HEIGHT, metric) == input_boxes(HEIGHT, metric)[:1]
    assert [b.unit for b in input_boxes(HEIGHT, metric)] == ["cm"]
    assert clean_answer(HEIGHT, "165,5", metric) == "165.5"
    assert display_answer(HEIGHT, "167.64", metric) == "167.6 cm"
    assert display_answer(WEIGHT, "68", metric, with_stored=True) == "68 kg"
    assert input_values(WEIGHT, "68", metric) == ("68",)


def test_us_clinics_ask_feet_and_inches_and_pounds_with_their_own_hint():
    helped = replace(HEIGHT, help_text="In centimetres, e.g. 165.")
    assert [(b.name, b.unit) for b in input_boxes(helped, US)] == [
        ("height", "ft"),
        ("height-in", "in"),
    ]
    assert [(b.name, b.unit) for b in input_boxes(WEIGHT, US)] == [("weight", "lb")]
    assert input_hint(helped, US) == "In feet and inches, for example 5 ft 5 in."
    assert input_hint(helped, Units.METRIC) == "In centimetres, e.g. 165."
    # Other numbers are asked as they are.
    other = QuestionDef("age", "Age", T.NUMBER, unit="years")
    assert [b.unit for b in input_boxes(other, US)] == ["years"]
    assert clean_answer(other, "42", US) == "42"


def test_validate_in_us_units_requires_both_boxes_blank_to_be_missing():
    required = replace(HEIGHT, required=True)
    assert validate([required], {"height": ["", ""]}, units=US).errors == {
        "height": REQUIRED_MESSAGE
    }
    assert validate([required], {"height": ["5", "6"]}, units=US).answers == {"height": "167.64"}
