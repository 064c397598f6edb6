"""Screening: a submitted intake's answers become flags, one per clinically relevant answer.

Pure: the questionnaire's rules come in as `QuestionDef.rules`, so the clinic decides in the
admin which answer raises which condition and how seriously; this module only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from consultations.questionnaire import Answer, QuestionDef, Severity, prune


@dataclass(frozen=True)
class Flag:
    code: str
    severity: Severity
    label: str
    question: str
    question_text: str
    answer: str

    def as_json(self) -> dict[str, str]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, str]) -> Flag:
        return cls(
            code=data["code"],
            severity=Severity(data["severity"]),
            label=data.get("label") or _in_words(data["code"]),
            question=data.get("question", ""),
            question_text=data.get("question_text", ""),
            answer=data.get("answer", ""),
        )


def _in_words(code: str) -> str:
    """A condition code for people when its catalog name is unknown: never the raw code."""
    return code.replace("_", " ").capitalize()


def _raised(answer: Answer, value: str) -> bool:
    return value in answer if isinstance(answer, list) else answer == value


def screen(questions: Sequence[QuestionDef], answers: Mapping[str, Answer]) -> tuple[Flag, ...]:
    """The flags these answers raise, most serious first, then in questionnaire order.

    Answers to hidden questions are ignored. A condition raised by two answers appears
    once, at the more serious severity, naming the first answer that raised it at that
    severity.
    """
    kept = prune(questions, answers)
    best: dict[str, tuple[int, Flag]] = {}
    for position, question in enumerate(questions):
        answer = kept.get(question.key)
        if answer is None:
            continue
        for rule in question.rules:
            if not _raised(answer, rule.value):
                continue
            flag = Flag(
                code=rule.condition,
                severity=Severity(rule.severity),
                label=rule.label or _in_words(rule.condition),
                question=question.key,
                question_text=question.text,
                answer=question.label_for(answer if not isinstance(answer, list) else [rule.value]),
            )
            current = best.get(rule.condition)
            if current is None or flag.severity.rank < current[1].severity.rank:
                best[rule.condition] = (position, flag)
    ordered = sorted(best.values(), key=lambda item: (item[1].severity.rank, item[0]))
    return tuple(flag for _, flag in ordered)


def conditions(flags: Sequence[Flag]) -> list[str]:
    """The distinct condition codes, in flag order (most serious first)."""
    return list(dict.fromkeys(flag.code for flag in flags))
