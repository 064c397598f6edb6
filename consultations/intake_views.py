"""The patient's side: an intake questionnaire reached by an unguessable link, no login.

Every page looks the link up by its token and shows nothing but that intake. A closed link
(submitted) shows the thank-you page; revoked or expired answers 410 and unknown 404, each
with a friendly page that names no patient.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from consultations import selectors, services
from consultations.models import Intake, IntakeStatus
from consultations.questionnaire import (
    REQUIRED_MESSAGE,
    QuestionType,
    display_answer,
    input_boxes,
    input_hint,
    input_values,
    is_blank,
    missing_required,
    visible_keys,
)

PUBLIC_HEADERS = {"X-Robots-Tag": "noindex, nofollow"}
UNIT_NAMES = {"in": "inches", "ft": "feet", "lb": "pounds"}  # for screen readers


def _closed(request, intake: Intake | None):
    """The response for a link that cannot be filled in, or None when it is open."""
    if intake is None:
        return _render(request, "consultations/intake/unavailable.html", {"reason": "unknown"}, 404)
    status = intake.status
    if status == IntakeStatus.SUBMITTED:
        return redirect("consultations:intake-done", token=intake.token)
    if status in (IntakeStatus.REVOKED, IntakeStatus.EXPIRED):
        return _render(
            request, "consultations/intake/unavailable.html", {"reason": status.value}, 410
        )
    return None


def _render(request, template: str, context: dict, status: int = 200):
    """A public page, with the clinic's phone and email for the patient to reach it."""
    context = {**context, "contact": selectors.clinic_contact()}
    response = render(request, template, context, status=status)
    for header, value in PUBLIC_HEADERS.items():
        response[header] = value
    return response


def _resume_step(steps, answers) -> int:
    """The first step with a shown, required question still unanswered (else the review)."""
    for step in steps:
        if missing_required(step.questions, answers) or not any(
            q.key in answers for q in step.questions
        ):
            return step.number
    return 0


@never_cache
def intake_start(request, token: str):
    intake = selectors.intake_get_by_token(token=token)
    closed = _closed(request, intake)
    if closed:
        return closed
    steps = selectors.questionnaire_steps(questionnaire=intake.questionnaire)
    resume = _resume_step(steps, intake.draft or {}) if intake.started_at else 1
    return _render(
        request,
        "consultations/intake/start.html",
        {
            "intake": intake,
            "questionnaire": intake.questionnaire,
            "steps": steps,
            "resume": resume,
            "first_name": intake.patient.first_name,
        },
    )


def _field_context(step, saved: dict, raw: dict | None, errors: dict) -> list[dict]:
    """What each question of the step shows: its value (as posted, else as saved), its
    error, and whether it starts hidden. A question that depends on an earlier step is
    decided here and left out when hidden; one that depends on this step is rendered hidden
    and the page's script shows it as answers change."""
    step_keys = {q.key for q in step.questions}
    context = {k: v for k, v in saved.items() if k not in step_keys}
    current = {k: v for k, v in (raw or saved).items() if k in step_keys and not is_blank(v)}
    shown = visible_keys(step.questions, current, context=context)
    units = selectors.clinic_units()
    fields = []
    for question in step.questions:
        depends_here = bool(question.show_if and question.show_if.question in step_keys)
        if question.key not in shown and not depends_here:
            continue
        value = current.get(question.key, "")
        fields.append(
            {
                "q": question,
                "values": value if isinstance(value, list) else [value],
                "value": value if not isinstance(value, list) else "",
                "boxes": _boxes(question, value, typed=raw is not None, units=units),
                "hint": input_hint(question, units),
                "error": errors.get(question.key, ""),
                "hidden": question.key not in shown,
            }
        )
    return fields


def _boxes(question, value, *, typed: bool, units) -> list[dict]:
    """A number's boxes (feet and inches for a height in US units), each with its value: as
    the patient typed it, or the saved cm or kg in the clinic's units."""
    if question.type != QuestionType.NUMBER:
        return []
    if typed:
        values = value if isinstance(value, list) else [value]
    else:
        values = input_values(question, value, units) if value else ()
    return [
        {
            "name": box.name,
            "unit": box.unit,
            "label": UNIT_NAMES.get(box.unit, box.unit),
            "value": values[i] if i < len(values) else "",
        }
        for i, box in enumerate(input_boxes(question, units))
    ]


def _step_moved(token: str, number: int, count: int, *, going_back: bool):
    """Where a saved step leads: the previous step (or the start), the next, or the review."""
    if going_back:
        if number == 1:
            return redirect("consultations:intake-start", token=token)
        return redirect("consultations:intake-step", token=token, number=number - 1)
    if number < count:
        return redirect("consultations:intake-step", token=token, number=number + 1)
    return redirect("consultations:intake-review", token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def intake_step(request, token: str, number: int):
    intake = selectors.intake_get_by_token(token=token)
    closed = _closed(request, intake)
    if closed:
        return closed
    steps = selectors.questionnaire_steps(questionnaire=intake.questionnaire)
    if not 1 <= number <= len(steps):
        return redirect("consultations:intake-start", token=token)
    step = steps[number - 1]
    errors: dict[str, str] = {}
    raw = None
    if request.method == "POST":
        going_back = request.POST.get("action") == "back"
        raw = _raw(step, request.POST)
        try:
            outcome = services.intake_save_step(
                intake=intake,
                steps=steps,
                step=step,
                raw=raw,
                lenient=going_back,
                units=selectors.clinic_units(),
            )
        except services.IntakeClosed:
            return _closed(request, selectors.intake_get_by_token(token=token))
        if outcome.result.ok:
            return _step_moved(token, number, len(steps), going_back=going_back)
        errors = outcome.result.errors
    return _step_page(request, intake, steps, number, raw, errors)


def _step_page(request, intake, steps, number: int, raw: dict | None, errors: dict):
    step = steps[number - 1]
    return _render(
        request,
        "consultations/intake/step.html",
        {
            "intake": intake,
            "step": step,
            "steps": steps,
            "fields": _field_context(step, intake.draft or {}, raw, errors),
            "errors": errors,
            "progress": round(100 * (number - 1) / (len(steps) + 1)),
            "progress_label": f"Step {number} of {len(steps)}",
            "is_last": number == len(steps),
        },
    )


def _raw(step, post):
    """The step's answers as posted: a list for multiple choice and for a number typed in
    two boxes (feet and inches)."""
    units = selectors.clinic_units()
    raw = {}
    for question in step.questions:
        boxes = input_boxes(question, units) if question.type == QuestionType.NUMBER else ()
        if question.type == QuestionType.MULTIPLE_CHOICE:
            raw[question.key] = post.getlist(question.key)
        elif len(boxes) > 1:
            raw[question.key] = [post.get(box.name, "") for box in boxes]
        else:
            raw[question.key] = post.get(question.key)
    return raw


def _review_sections(steps, answers: dict, missing: dict) -> list[dict]:
    """Each step with its shown questions, their answers and whether one is missing."""
    shown = visible_keys(selectors.all_questions(steps), answers)
    units = selectors.clinic_units()
    return [
        {
            "step": step,
            "rows": [
                {
                    "q": q,
                    "answer": display_answer(q, answers[q.key], units) if q.key in answers else "",
                    "missing": q.key in missing,
                }
                for q in step.questions
                if q.key in shown
            ],
            "incomplete": any(q.key in missing for q in step.questions),
        }
        for step in steps
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def intake_review(request, token: str):
    intake = selectors.intake_get_by_token(token=token)
    closed = _closed(request, intake)
    if closed:
        return closed
    missing: dict[str, str] = {}
    if request.method == "POST":
        # The service reads the questionnaire itself; the page reads it only to show again.
        try:
            services.intake_submit(intake=intake)
        except services.IntakeClosed:
            return _closed(request, selectors.intake_get_by_token(token=token))
        except ValidationError as exc:
            missing = {key: msgs[0] for key, msgs in exc.message_dict.items()}
        else:
            return redirect("consultations:intake-done", token=token)
    steps = selectors.questionnaire_steps(questionnaire=intake.questionnaire)
    answers = intake.draft or {}
    missing = missing or {
        k: REQUIRED_MESSAGE for k in missing_required(selectors.all_questions(steps), answers)
    }
    return _render(
        request,
        "consultations/intake/review.html",
        {
            "intake": intake,
            "sections": _review_sections(steps, answers, missing),
            "missing": missing,
            "steps": steps,
            "progress": round(100 * len(steps) / (len(steps) + 1)),
            "progress_label": "Check and send",
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
def intake_done(request, token: str):
    intake = selectors.intake_get_by_token(token=token)
    if intake is None or intake.status != IntakeStatus.SUBMITTED:
        closed = _closed(request, intake)
        return closed or redirect("consultations:intake-start", token=token)
    return _render(
        request,
        "consultations/intake/done.html",
        {"intake": intake, "submitted_at": timezone.localtime(intake.submitted_at)},
    )
