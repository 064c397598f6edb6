"""Outcomes per patient: the plan's prediction beside what was measured, and the warnings a
provider reviews. Django rows in, `treatments.engine.outcomes` (pure) does the judging.

Warnings are kept as `OutcomeWarning` rows so the dashboard lists the open ones with one
indexed query; `outcome_warnings_sync` refreshes a plan's rows after a session is recorded
(connected in `AppointmentsConfig.ready()`), and the demo data calls it directly.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from consultations.models import AssessmentArea
from treatments.appointments.charts import ChartPoint
from treatments.appointments.models import (
    Appointment,
    AppointmentStatus,
    OutcomeWarning,
    TreatedArea,
)
from treatments.catalog.models import BodyArea
from treatments.engine import outcomes as engine
from treatments.plans.models import Plan

logger = logging.getLogger(__name__)

CRYOLIPOLYSIS = "cryolipolysis"
REVIEW = "appointments.review_outcomewarning"


def plan_reduction(plan: Plan) -> Decimal:
    """The reduction per session the plan was made with (its snapshot), as a fraction; the
    catalog's current value only for a plan without one."""
    percent = (plan.option or {}).get("spec", {}).get("reduction_percent")
    if percent is None:
        percent = plan.treatment.reduction_percent
    return Decimal(str(percent)) / 100


@dataclass(frozen=True)
class AreaOutcome:
    area: BodyArea
    course: engine.AreaCourse
    verdict: engine.Verdict


def area_outcomes(
    plan: Plan,
    baseline: list[AssessmentArea],
    appointments: list[Appointment],
    sessions_planned: int,
) -> list[AreaOutcome]:
    """Each assessed area's course: baseline, the plan's reduction and goal, and what the done
    sessions (in time order, with `treated_areas` and their `area` loaded) measured. The pinch
    recorded at a session is measured before treating, so it follows the sessions done
    before it."""
    reduction = plan_reduction(plan)
    measured: dict[int, list[engine.Measurement]] = defaultdict(list)
    treated: dict[int, list] = defaultdict(list)
    for done_before, appointment in enumerate(appointments):
        day = timezone.localtime(appointment.start).date()
        for t in appointment.treated_areas.all():
            treated[t.area_id].append(day)
            if t.pinch_mm is not None:
                measured[t.area_id].append(engine.Measurement(day, done_before, t.pinch_mm))
    found = []
    for row in baseline:
        course = engine.AreaCourse(
            area=row.area.name,
            baseline_mm=Decimal(row.pinch_mm),
            reduction=reduction,
            goal_mm=Decimal(plan.goal_pinch_mm),
            sessions_planned=sessions_planned,
            measurements=tuple(measured.get(row.area_id, ())),
            treated_on=tuple(treated.get(row.area_id, ())),
        )
        found.append(AreaOutcome(row.area, course, engine.course_verdict(course)))
    return found


def predicted_series(outcomes: list[AreaOutcome]) -> dict[str, list[ChartPoint]]:
    """Per area, the predicted pinch at each visit: at the assessment and at session k (measured
    before treating, so after k - 1 sessions), then after the last session."""
    series = {}
    for o in outcomes:
        curve = engine.predicted_curve(o.course)
        points = [ChartPoint("Assessment", curve[0])]
        points += [ChartPoint(f"Session {k}", curve[k - 1]) for k in range(1, len(curve))]
        if len(curve) > 1:
            points.append(ChartPoint(f"After session {len(curve) - 1}", curve[-1]))
        series[o.area.name] = points
    return series


def _plan_data(plan: Plan) -> tuple[list[AssessmentArea], list[Appointment], int]:
    baseline = list(
        AssessmentArea.objects.filter(assessment_id=plan.assessment_id)
        .select_related("area")
        .order_by("area__sort_order", "pk")
    )
    appointments = list(
        Appointment.objects.filter(plan_session__plan=plan, status=AppointmentStatus.DONE)
        .prefetch_related(Prefetch("treated_areas", queryset=TreatedArea.objects.all()))
        .order_by("start", "pk")
    )
    return baseline, appointments, plan.sessions.count()


def plan_area_outcomes(*, plan: Plan) -> list[AreaOutcome]:
    """One plan's outcomes (its sessions page): 4 queries."""
    if plan.assessment_id is None:
        return []
    return area_outcomes(plan, *_plan_data(plan))


@transaction.atomic
def outcome_warnings_sync(*, plan: Plan) -> list[OutcomeWarning]:
    """Raise, refresh or withdraw the plan's warnings from its measurements. A reviewed warning
    stays as it was reviewed; an open one no longer supported (a corrected record) goes."""
    if plan.assessment_id is None:
        return []
    baseline, appointments, planned = _plan_data(plan)
    cryo = plan.treatment.code == CRYOLIPOLYSIS
    wanted = {}
    for o in area_outcomes(plan, baseline, appointments, planned):
        for w in engine.outcome_warnings(o.course, cryolipolysis=cryo):
            wanted[(o.area.pk, str(w.kind))] = w
    existing = {(w.area_id, w.kind): w for w in OutcomeWarning.objects.filter(plan=plan)}
    for key, row in existing.items():
        if key not in wanted and not row.reviewed:
            row.delete()
    rows = []
    for (area_id, kind), w in wanted.items():
        row = existing.get((area_id, kind))
        if row is None:
            row = OutcomeWarning.objects.create(
                plan=plan, area_id=area_id, kind=kind, message=w.message, measured_on=w.measured_on
            )
        elif not row.reviewed and (row.message, row.measured_on) != (w.message, w.measured_on):
            row.message, row.measured_on = w.message, w.measured_on
            row.save(update_fields=["message", "measured_on"])
        rows.append(row)
    return rows


def outcome_warning_review(*, warning: OutcomeWarning, by, now=None) -> OutcomeWarning:
    """Mark a warning reviewed by `by` (once; a second review keeps the first)."""
    if warning.reviewed_at is None:
        warning.reviewed_by = by
        warning.reviewed_at = now or timezone.now()
        warning.save(update_fields=["reviewed_by", "reviewed_at"])
    return warning


def open_warnings(*, patient=None, limit: int | None = None) -> list[OutcomeWarning]:
    """Warnings not yet reviewed, newest first, with their patient, plan and area (1 query)."""
    rows = OutcomeWarning.objects.filter(reviewed_at__isnull=True).select_related(
        "area", "plan__patient", "plan__treatment"
    )
    if patient is not None:
        rows = rows.filter(plan__patient=patient)
    rows = rows.order_by("-raised_at", "pk")
    return list(rows[:limit] if limit else rows)


def sync_after_record(sender, instance: Appointment, **kwargs) -> None:
    """post_save of an appointment: once the record is committed (its treated areas too),
    refresh the plan's warnings."""
    if kwargs.get("raw") or instance.recorded_at is None:
        return
    session_id = instance.plan_session_id

    def run() -> None:
        # Derived data: the record is already saved, so a failure here is logged rather than
        # turned into an error page for the provider who recorded it.
        try:
            plan = Plan.objects.select_related("treatment").filter(sessions__pk=session_id).first()
            if plan is not None:
                outcome_warnings_sync(plan=plan)
        except Exception:
            logger.exception(
                "Could not refresh the outcome warnings of plan session %s", session_id
            )

    transaction.on_commit(run)
