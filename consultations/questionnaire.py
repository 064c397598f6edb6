"""The intake questionnaire's rules, free of Django: which questions are shown, and whether
an answer is valid for its question.

A questionnaire is a tuple of `QuestionDef` in the order the patient meets them. Answers
come in as the raw strings a form posts (a list of strings for multiple choice) and leave as
canonical, JSON-ready values:

- short text, long text: the stripped string
- number: the decimal as a string ("72.5"), so no float rounding sneaks in
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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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


def _is_blank(raw: RawAnswer) -> bool:
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


def clean_answer(question: QuestionDef, raw: RawAnswer) -> Answer:
    """The canonical answer for a non-blank raw answer, or AnswerError with the message a
    patient reads next to the field."""
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return _clean_multiple_choice(question, raw)
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


def _clean_number(question: QuestionDef, text: str) -> str:
    """A finite decimal (thousands commas allowed) within the question's bounds, kept as a
    string so no float rounding sneaks in."""
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise AnswerError("Enter a number, for example 72 or 72.5.") from None
    if not number.is_finite():
        raise AnswerError("Enter a number, for example 72 or 72.5.")
    _check_bounds(question, number)
    return _format_decimal(number)


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
) -> Result:
    """Validate the raw answers to `questions`.

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
        if _is_blank(value):
            known.pop(question.key, None)
            if question.required:
                errors[question.key] = REQUIRED_MESSAGE
            continue
        try:
            cleaned = clean_answer(question, value)
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
