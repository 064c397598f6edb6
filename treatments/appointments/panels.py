"""The sessions app's panel (registered by AppointmentsConfig.ready()): the patient page's
progress, per plan with sessions, and session events on the patient timeline.

`patient_progress` loads every plan's progress at once, in a fixed number of queries however
many plans and sessions the patient has; `selectors.plan_progress` is the one-plan view the
plan's sessions page shows, and both give the same `Progress`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils.safestring import mark_safe

from consultations.models import AssessmentArea
from consultations.panels import Panel, register_panel
from consultations.selectors import register_timeline_source, user_sees_clinical
from treatments.appointments import charts, outcomes
from treatments.appointments import selectors as sel
from treatments.appointments.models import Appointment, ProgressPhoto, TreatedArea
from treatments.plans import lifecycle
from treatments.plans.models import Plan


@dataclass(frozen=True)
class PlanProgress:
    plan: Plan  # with `session_count` and `booked` (any appointment, even a cancelled one)
    progress: sel.Progress
    chart: str  # SVG markup, or "" with no measurement yet
    outcomes: list[outcomes.AreaOutcome]  # per assessed area: the prediction and the verdict

    @property
    def booked(self) -> bool:
        return self.plan.booked


def _progress_plans(patient) -> list[Plan]:
    """The patient's plans that are booked or can be: accepted, running or completed."""
    return list(
        Plan.objects.filter(patient=patient, status__in=lifecycle.WITH_SESSIONS)
        .select_related("treatment")
        .annotate(
            session_count=Count("sessions"),
            booked=Exists(Appointment.objects.filter(plan_session__plan=OuterRef("pk"))),
        )
        .order_by("-start_date", "pk")
    )


def _baselines(plans: list[Plan]) -> dict[int, list[AssessmentArea]]:
    """Each assessment's areas (the pinch the course starts from), by assessment id."""
    ids = {p.assessment_id for p in plans if p.assessment_id is not None}
    rows: dict[int, list[AssessmentArea]] = defaultdict(list)
    if ids:
        for row in (
            AssessmentArea.objects.filter(assessment_id__in=ids)
            .select_related("area", "assessment")
            .order_by("assessment_id", "area__sort_order", "pk")
        ):
            rows[row.assessment_id].append(row)
    return rows


def _done_appointments(plans: list[Plan]) -> dict[int, list[Appointment]]:
    """Each plan's done appointments in time order, with what was measured per area."""
    found: dict[int, list[Appointment]] = defaultdict(list)
    for a in (
        Appointment.objects.filter(plan_session__plan__in=plans, status="done")
        .select_related("plan_session")
        .prefetch_related(
            Prefetch("treated_areas", queryset=TreatedArea.objects.select_related("area"))
        )
        .order_by("start", "pk")
    ):
        found[a.plan_session.plan_id].append(a)
    return found


def _photos(plans: list[Plan]) -> dict[int, list[ProgressPhoto]]:
    found: dict[int, list[ProgressPhoto]] = defaultdict(list)
    for photo in (
        ProgressPhoto.objects.filter(appointment__plan_session__plan__in=plans)
        .select_related("area", "appointment__plan_session")
        .order_by("appointment__start", "pk")
    ):
        found[photo.appointment.plan_session.plan_id].append(photo)
    return found


def _progress(
    baseline: list[AssessmentArea], appointments: list[Appointment], photos: list[ProgressPhoto]
) -> sel.Progress:
    series: dict[str, list[sel.Point]] = defaultdict(list)
    for row in baseline:
        # One point per area name, as the one-plan view's dict of them keeps.
        series[row.area.name] = [
            sel.Point("Assessment", row.assessment.assessed_on, Decimal(row.pinch_mm))
        ]
    weights = sel.measured_points(appointments, series)
    return sel.Progress(dict(series), weights, _photo_pairs(photos))


def _photo_pairs(photos: list[ProgressPhoto]) -> list:
    """The first "before" beside the latest "after", per area (or overall)."""
    befores = [p for p in photos if p.kind == ProgressPhoto.BEFORE]
    afters = [p for p in photos if p.kind == ProgressPhoto.AFTER]
    pairs = []
    for key in dict.fromkeys(p.area_id for p in photos):
        before = next((p for p in befores if p.area_id == key), None)
        after = next((p for p in reversed(afters) if p.area_id == key), None)
        pairs.append((before, after))
    return pairs


def _chart(progress: sel.Progress, predicted: dict[str, list[charts.ChartPoint]]) -> str:
    """Measured lines, with the plan's predicted pinch dashed beside them once a session has
    been measured."""
    series = {
        name: [charts.ChartPoint(p.label, p.value) for p in points]
        for name, points in progress.series.items()
    }
    if not any(len(points) > 1 for points in series.values()):
        predicted = {}
    return charts.progress_svg(series, predicted=predicted)


def patient_progress(*, patient, with_photos: bool, clinical: bool = True) -> list[PlanProgress]:
    """Every plan's progress for the patient page: 1 query for the plans, then (when there
    are any, for a user who sees clinical data) 1 for the assessments' areas, 2 for the done
    sessions and what they measured, 1 for the photos (when the user may see them). Without
    `clinical` (the front desk) each plan comes with no measurement, weight or photo."""
    plans = _progress_plans(patient)
    if not plans:
        return []
    if not clinical:
        empty = sel.Progress({}, [], [])
        return [PlanProgress(plan, empty, "", []) for plan in plans]
    baselines = _baselines(plans)
    appointments = _done_appointments(plans)
    photos = _photos(plans) if with_photos else {}
    items = []
    for plan in plans:
        baseline = baselines.get(plan.assessment_id, [])
        done = appointments.get(plan.pk, [])
        progress = _progress(baseline, done, photos.get(plan.pk, []))
        found = outcomes.area_outcomes(plan, baseline, done, plan.session_count)
        chart = _chart(progress, outcomes.predicted_series(found))
        # charts.progress_svg escapes every label.
        items.append(PlanProgress(plan, progress, mark_safe(chart), found))  # noqa: S308
    return items


def load_progress(request, patient) -> dict:
    clinical = user_sees_clinical(request.user)
    with_photos = clinical and request.user.has_perm(sel.VIEW_PHOTOS)
    return {
        "items": patient_progress(patient=patient, with_photos=with_photos, clinical=clinical),
        "with_photos": with_photos,
        "clinical": clinical,
        "can_book": request.user.has_perm(sel.BOOK),
    }


def load_outcome_warnings(request, patient) -> dict:
    return {
        "warnings": outcomes.open_warnings(patient=patient),
        "can_review": True,
        "request": request,
    }


PANELS = (
    # Clinical: only for those who may review them (providers and Clinic admins).
    Panel(
        "outcome-warnings",
        "appointments/panels/outcome_warnings.html",
        35,
        load_outcome_warnings,
        permission=outcomes.REVIEW,
    ),
    Panel("progress", "appointments/panels/progress.html", 40, load_progress, permission=sel.VIEW),
)


def register() -> None:
    for panel in PANELS:
        register_panel(panel)
    register_timeline_source(sel.session_timeline_events)
