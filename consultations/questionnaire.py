"""The intake questionnaire's rules, free of Django: which questions are shown, and whether
an answer is valid for its question.

A questionnaire is a tuple of `QuestionDef` in the order the patient meets them. Answers
come in as the raw strings a form posts (a list of strings for multiple choice) and leave as
canonical, JSON-ready values:

- short text, long text: the stripped string
- number: the decimal as a string ("72.5"), so no float rounding sneaks in; a comma is read
  as the decimal mark ("68,5" is 68.5) unless it groups thousands ("1,234")
- a height (unit "cm") or weight (unit "kg") asked in US units (feet and inches, pounds) is
  stored in cm or kg all the same, to the hundredth, so it reads back as the patient typed it
- yes/no: "yes" or "no"
- single choice: the choice's value
- multiple choice: a list of choice values, in the questionnaire's order
- date: "YYYY-MM-DD"

An unanswered question has no key in the answers. A question whose show-if condition is not
met is hidden: it is never required and any answer it has is dropped, so an answer the
patient can no longer see never reaches screening.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

Answer = str | list[str]
RawAnswer = str | Sequence[str] | None

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 4000
YES, NO = "yes", "no"


class QuestionType(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    DATE = "date"


class Units(StrEnum):
    """The units a clinic asks heights and weights in (`CLINIC_UNITS`)."""

    US = "us"  # feet and inches, pounds
    METRIC = "metric"  # centimetres, kilograms


CM_PER_INCH = Decimal("2.54")
KG_PER_POUND = Decimal("0.45359237")
INCHES_PER_FOOT = 12
# Canonical cm and kg are kept to the hundredth: fine enough that 150 lb or 5 ft 6 in read
# back exactly as typed, at the tenth of a pound or inch.
CANONICAL_STEP = Decimal("0.01")
TENTH = Decimal("0.1")
LENGTH, MASS = "cm", "kg"  # the question units that are converted


class Severity(StrEnum):
    EXCLUDE = "exclude"
    WARN = "warn"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Lower is more serious; used to sort flags."""
        return {"exclude": 0, "warn": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class ShowIf:
    """Show the question only when the earlier question `question` was answered `value`
    (for a multiple-choice question: when `value` is among the answers)."""

    question: str
    value: str


@dataclass(frozen=True)
class Rule:
    """An answer value that raises a condition (screening)."""

    value: str
    condition: str
    severity: Severity
    label: str = ""


@dataclass(frozen=True)
class QuestionDef:
    key: str
    text: str
    type: QuestionType
    required: bool = False
    choices: tuple[Choice, ...] = ()
    unit: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    show_if: ShowIf | None = None
    rules: tuple[Rule, ...] = ()
    section: str = ""
    help_text: str = ""

    @property
    def options(self) -> tuple[Choice, ...]:
        """The choices a patient picks from (yes/no has its own two)."""
        if self.type == QuestionType.YES_NO:
            return (Choice(YES, "Yes"), Choice(NO, "No"))
        return self.choices

    def label_for(self, answer: Answer) -> str:
        """The answer as the patient saw it, for staff pages and flags."""
        labels = {c.value: c.label for c in self.options}
        if isinstance(answer, list):
            return ", ".join(labels.get(v, v) for v in answer)
        if self.type == QuestionType.NUMBER and self.unit:
            return f"{answer} {self.unit}"
        return labels.get(answer, answer)


@dataclass(frozen=True)
class Result:
    """The outcome of validating a set of answers: the answers kept and the errors by key."""

    answers: dict[str, Answer] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class AnswerError(ValueError):
    pass


@dataclass(frozen=True)
class InputBox:
    """One box a number is typed into: its form field's name and the unit beside it."""

    name: str
    unit: str


def converted_unit(question: QuestionDef, units: Units) -> str:
    """ "cm" or "kg" when the clinic asks this question in other units; else ""."""
    if units == Units.US and question.type == QuestionType.NUMBER:
        return question.unit if question.unit in (LENGTH, MASS) else ""
    return ""


def input_boxes(question: QuestionDef, units: Units) -> tuple[InputBox, ...]:
    """The boxes the patient types a number into: a height in US units has two (feet, then
    inches, named `<key>-in`, which no question key can be); everything else one."""
    converted = converted_unit(question, units)
    if converted == LENGTH:
        return (InputBox(question.key, "ft"), InputBox(f"{question.key}-in", "in"))
    if converted == MASS:
        return (InputBox(question.key, "lb"),)
    return (InputBox(question.key, question.unit),)


def input_hint(question: QuestionDef, units: Units) -> str:
    """The help under the question. A converted question's own help speaks of the unit it
    is stored in (e.g. "In centimetres, e.g. 165."), so it gives way to one in the clinic's."""
    converted = converted_unit(question, units)
    if converted == LENGTH:
        return "In feet and inches, for example 5 ft 5 in."
    if converted == MASS:
        return "In pounds, for example 150."
    return question.help_text


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _feet_and_inches(cm: Decimal) -> tuple[int, Decimal]:
    inches = _tenths(cm / CM_PER_INCH)
    feet = int(inches // INCHES_PER_FOOT)
    return feet, inches - feet * INCHES_PER_FOOT


def input_values(question: QuestionDef, answer: Answer, units: Units) -> tuple[str, ...]:
    """A saved (canonical) answer as the boxes show it again, in the clinic's units."""
    if isinstance(answer, list):
        return (", ".join(answer),)
    converted = converted_unit(question, units)
    if not converted or not answer:
        return (answer,)
    value = Decimal(answer)
    if converted == LENGTH:
        feet, inches = _feet_and_inches(value)
        return (str(feet), _format_decimal(inches))
    return (_format_decimal(_tenths(value / KG_PER_POUND)),)


def display_answer(
    question: QuestionDef, answer: Answer, units: Units, *, with_stored: bool = False
) -> str:
    """The answer for people to read, in the clinic's units ("5 ft 6 in", "150 lb"); with
    `with_stored` (staff pages) also in the cm or kg the assessment uses."""
    measured = question.type == QuestionType.NUMBER and question.unit in (LENGTH, MASS)
    if not measured or not isinstance(answer, str) or not answer:
        return question.label_for(answer)
    value = Decimal(answer)
    stored = f"{_format_decimal(_tenths(value))} {question.unit}"
    converted = converted_unit(question, units)
    if not converted:
        return stored
    if converted == LENGTH:
        feet, inches = _feet_and_inches(value)
        text = f"{feet} ft {_format_decimal(inches)} in"
    else:
        text = f"{_format_decimal(_tenths(value / KG_PER_POUND))} lb"
    return f"{text} ({stored})" if with_stored else text


REQUIRED_MESSAGE = "Please answer this question."


def _matches(answer: Answer | None, value: str) -> bool:
    if answer is None:
        return False
    if isinstance(answer, list):
        return value in answer
    return answer == value


def visible_keys(
    questions: Iterable[QuestionDef],
    answers: Mapping[str, Answer],
    *,
    context: Mapping[str, Answer] | None = None,
) -> set[str]:
    """Keys of the questions shown for these answers.

    A question whose controlling question is itself hidden is hidden too, so a chain of
    show-ifs collapses as soon as an early answer changes. `context` holds answers from
    earlier steps (shown when they were given).
    """
    known = {**(context or {}), **answers}
    shown: set[str] = set(context or {})
    for question in questions:
        rule = question.show_if
        if rule is None or (
            rule.question in shown and _matches(known.get(rule.question), rule.value)
        ):
            shown.add(question.key)
    return shown


def is_blank(raw: RawAnswer) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    return all(not str(item).strip() for item in raw)


def _single(raw: RawAnswer) -> str:
    if isinstance(raw, str):
        return raw.strip()
    items = [str(item).strip() for item in raw or () if str(item).strip()]
    if len(items) > 1:
        raise AnswerError("Choose one answer.")
    return items[0] if items else ""


def _format_decimal(value: Decimal) -> str:
    """72.50 -> "72.5", 1E+2 -> "100": what a person would write."""
    return format(value.normalize(), "f")


def clean_answer(question: QuestionDef, raw: RawAnswer, units: Units = Units.METRIC) -> Answer:
    """The canonical answer for a non-blank raw answer, or AnswerError with the message a
    patient reads next to the field. `units` are those the raw answer was typed in; a height
    in US units is the list [feet, inches]."""
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return _clean_multiple_choice(question, raw)
    converted = converted_unit(question, units)
    if converted:
        return _clean_converted(question, raw, converted)
    text = _single(raw)
    cleaner = _CLEANERS.get(question.type)
    if cleaner is None:  # pragma: no cover
        raise AnswerError(f"Unknown question type {question.type!r}.")
    return cleaner(question, text)


def _clean_multiple_choice(question: QuestionDef, raw: RawAnswer) -> list[str]:
    """The picked values in the questionnaire's order, so the same picks always read the
    same; a value the question does not offer is refused, not dropped."""
    items = [raw] if isinstance(raw, str) else list(raw or ())
    picked = {str(item).strip() for item in items if str(item).strip()}
    allowed = [c.value for c in question.options]
    unknown = picked - set(allowed)
    if unknown:
        raise AnswerError("Choose from the options given.")
    return [value for value in allowed if value in picked]


def _clean_short_text(question: QuestionDef, text: str) -> str:
    """One line, short enough for the field it is shown in."""
    if "\n" in text or "\r" in text:
        raise AnswerError("Keep this answer to one line.")
    if len(text) > SHORT_TEXT_MAX:
        raise AnswerError(f"Keep this answer under {SHORT_TEXT_MAX} characters.")
    return text


def _clean_long_text(question: QuestionDef, text: str) -> str:
    """Free text, bounded so one answer cannot swamp the record."""
    if len(text) > LONG_TEXT_MAX:
        raise AnswerError(f"Keep this answer under {LONG_TEXT_MAX} characters.")
    return text


NUMBER_MESSAGE = "Enter a number, for example 72 or 72.5."
_NUMBER_SHAPE = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")


def parse_number(text: str) -> Decimal:
    """A number as people write it, with a point or a comma as the decimal mark.

    "68,5" and "68.5" are 68.5; commas that group thousands ("1,234", "12,345.6") are
    dropped. Anything that could be read two ways ("1,234,5", "1.234,5", "1,2.5") is refused
    rather than guessed, with a message naming the way to write it.
    """
    text = text.strip()
    if not _NUMBER_SHAPE.fullmatch(text):
        raise AnswerError(NUMBER_MESSAGE)
    sign, digits = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    whole, point, fraction = digits.partition(".")
    if "," in whole and (point or _GROUPED.fullmatch(whole)):
        if not _GROUPED.fullmatch(whole):
            raise AnswerError(_AMBIGUOUS.format(text=text))
        whole = whole.replace(",", "")
    elif "," in whole:
        whole, _, fraction = whole.partition(",")
        point = "."
        if "," in fraction:
            raise AnswerError(_AMBIGUOUS.format(text=text))
    if "," in fraction or "." in fraction or not (whole or fraction):
        raise AnswerError(_AMBIGUOUS.format(text=text))
    try:
        number = Decimal(f"{sign}{whole or '0'}{point}{fraction}")
    except InvalidOperation:  # pragma: no cover - the shape above rules it out
        raise AnswerError(NUMBER_MESSAGE) from None
    return number


_AMBIGUOUS = (
    "We could not read “{text}” as one number. Use one decimal mark, for example 68.5 or 68,5."
)


def _clean_number(question: QuestionDef, text: str) -> str:
    """A decimal within the question's bounds, kept as a string so no float rounding
    sneaks in."""
    number = parse_number(text)
    _check_bounds(question, number)
    return _format_decimal(number)


def _clean_converted(question: QuestionDef, raw: RawAnswer, converted: str) -> str:
    """Feet and inches, or pounds, to the cm or kg the answer is stored in."""
    parts = [raw] if isinstance(raw, str) else [str(item) for item in raw or ()]
    numbers = [parse_number(p) if p.strip() else Decimal(0) for p in parts[:2]]
    if any(n < 0 for n in numbers):
        raise AnswerError("Enter a number of zero or more.")
    if converted == LENGTH:
        feet, inches = [*numbers, Decimal(0)][:2]
        if feet and inches >= INCHES_PER_FOOT:
            raise AnswerError("Enter the inches as a number from 0 to 11.")
        value = (feet * INCHES_PER_FOOT + inches) * CM_PER_INCH
    else:
        value = numbers[0] * KG_PER_POUND
    _check_converted_bounds(question, value, converted)
    return _format_decimal(value.quantize(CANONICAL_STEP, rounding=ROUND_HALF_UP))


def _check_converted_bounds(question: QuestionDef, value: Decimal, converted: str) -> None:
    """The question's bounds, in the clinic's units: the lowest is rounded up and the
    highest down, so every value in the range the message gives is accepted."""
    low, high = question.min_value, question.max_value
    if (low is None or value >= low) and (high is None or value <= high):
        return
    per = CM_PER_INCH if converted == LENGTH else KG_PER_POUND
    show: Callable[[Decimal], str] = _inches_text if converted == LENGTH else _pounds_text
    low_text = show((low / per).to_integral_value(ROUND_CEILING)) if low is not None else ""
    high_text = show((high / per).to_integral_value(ROUND_FLOOR)) if high is not None else ""
    if low_text and high_text:
        raise AnswerError(f"Enter between {low_text} and {high_text}.")
    raise AnswerError(f"Enter at least {low_text}." if low_text else f"Enter at most {high_text}.")


def _inches_text(inches: Decimal) -> str:
    feet = int(inches // INCHES_PER_FOOT)
    return f"{feet} ft {_format_decimal(inches - feet * INCHES_PER_FOOT)} in"


def _pounds_text(pounds: Decimal) -> str:
    return f"{_format_decimal(pounds)} lb"


def _check_bounds(question: QuestionDef, number: Decimal) -> None:
    """Refuse a number outside the question's bounds, naming both when there are two, so
    the patient sees the whole range at once."""
    unit = f" {question.unit}" if question.unit else ""
    low, high = question.min_value, question.max_value
    if low is not None and high is not None and not (low <= number <= high):
        raise AnswerError(
            f"Enter a number between {_format_decimal(low)} and {_format_decimal(high)}{unit}."
        )
    if low is not None and number < low:
        raise AnswerError(f"Enter a number of at least {_format_decimal(low)}{unit}.")
    if high is not None and number > high:
        raise AnswerError(f"Enter a number of at most {_format_decimal(high)}{unit}.")


def _clean_choice(question: QuestionDef, text: str) -> str:
    """One of the offered values; yes/no is forgiving about case ("Yes" is "yes")."""
    lowered = text.lower() if question.type == QuestionType.YES_NO else text
    if lowered not in {c.value for c in question.options}:
        raise AnswerError("Choose one of the options given.")
    return lowered


def _clean_date(question: QuestionDef, text: str) -> str:
    """An ISO date, the one format that cannot be read two ways."""
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise AnswerError("Enter a date as YYYY-MM-DD, for example 2024-03-31.") from None


_CLEANERS: dict[str, Callable[[QuestionDef, str], str]] = {
    QuestionType.SHORT_TEXT: _clean_short_text,
    QuestionType.LONG_TEXT: _clean_long_text,
    QuestionType.NUMBER: _clean_number,
    QuestionType.YES_NO: _clean_choice,
    QuestionType.SINGLE_CHOICE: _clean_choice,
    QuestionType.DATE: _clean_date,
}


def validate(
    questions: Sequence[QuestionDef],
    raw: Mapping[str, RawAnswer],
    *,
    context: Mapping[str, Answer] | None = None,
    units: Units = Units.METRIC,
) -> Result:
    """Validate the raw answers to `questions`, typed in `units`.

    `context` holds answers already given on earlier steps, so a show-if may depend on a
    question from another section. Hidden questions are neither required nor kept; blank
    optional answers are left out.
    """
    answers: dict[str, Answer] = {}
    errors: dict[str, str] = {}
    known: dict[str, Answer] = dict(context or {})
    shown: set[str] = set(known)  # context answers were visible when they were given
    for question in questions:
        rule = question.show_if
        if rule is not None and not (
            rule.question in shown and _matches(known.get(rule.question), rule.value)
        ):
            known.pop(question.key, None)
            continue
        shown.add(question.key)
        value = raw.get(question.key)
        if is_blank(value):
            known.pop(question.key, None)
            if question.required:
                errors[question.key] = REQUIRED_MESSAGE
            continue
        try:
            cleaned = clean_answer(question, value, units)
        except AnswerError as exc:
            errors[question.key] = str(exc)
            continue
        if question.type == QuestionType.MULTIPLE_CHOICE and not cleaned:
            if question.required:
                errors[question.key] = REQUIRED_MESSAGE
            continue
        answers[question.key] = cleaned
        known[question.key] = cleaned
    return Result(answers=answers, errors=errors)


def prune(questions: Sequence[QuestionDef], answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """Only the answers to questions still shown, in questionnaire order; an answer changed on
    an earlier step can hide later questions whose answers must then go."""
    shown = visible_keys(questions, answers)
    return {q.key: answers[q.key] for q in questions if q.key in shown and q.key in answers}


def missing_required(questions: Sequence[QuestionDef], answers: Mapping[str, Answer]) -> list[str]:
    """Keys of shown, required questions with no answer: what blocks a submit."""
    shown = visible_keys(questions, answers)
    return [q.key for q in questions if q.required and q.key in shown and q.key not in answers]


def definition_errors(questions: Sequence[QuestionDef]) -> list[str]:
    """Mistakes in a questionnaire definition, in words for the clinic admin."""
    problems: list[str] = []
    seen: dict[str, QuestionDef] = {}
    for question in questions:
        if question.key in seen:
            problems.append(f"Two questions use the key {question.key!r}.")
        problems += _choice_errors(question)
        problems += _bounds_errors(question)
        problems += _show_if_errors(question, seen)
        problems += _rule_errors(question)
        seen[question.key] = question
    return problems


def _choice_errors(question: QuestionDef) -> list[str]:
    """Choices must be distinct (an answer must name one choice), and a choice question
    needs some to choose from."""
    problems = []
    values = [c.value for c in question.choices]
    if len(values) != len(set(values)):
        problems.append(f"{question.key}: two choices share a value.")
    if question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE) and not values:
        problems.append(f"{question.key}: a choice question needs choices.")
    return problems


def _bounds_errors(question: QuestionDef) -> list[str]:
    """Bounds the wrong way round would refuse every number."""
    low, high = question.min_value, question.max_value
    if low is not None and high is not None and low > high:
        return [f"{question.key}: the minimum is above the maximum."]
    return []


def _show_if_errors(question: QuestionDef, earlier: Mapping[str, QuestionDef]) -> list[str]:
    """A show-if must depend on an earlier question (the patient answers in order) and on a
    value that question can take, or the question would never show."""
    rule = question.show_if
    if rule is None:
        return []
    target = earlier.get(rule.question)
    if target is None:
        return [
            f"{question.key}: show-if must refer to an earlier question, not {rule.question!r}."
        ]
    if target.options and rule.value not in {c.value for c in target.options}:
        return [f"{question.key}: show-if value {rule.value!r} is not an answer to {target.key!r}."]
    return []


def _rule_errors(question: QuestionDef) -> list[str]:
    """A screening rule on a value the question cannot take would never raise its flag."""
    allowed = {c.value for c in question.options}
    return [
        f"{question.key}: the screening rule's value {rule.value!r} is not one "
        "of the question's answers."
        for rule in question.rules
        if allowed and rule.value not in allowed
    ]
