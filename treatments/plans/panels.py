"""The plans app's panels (registered by PlansConfig.ready()): the patient page's list of
plans, the assessment page's plans made from it, and plan events on the patient timeline."""

from __future__ import annotations

from consultations.panels import ASSESSMENT_PAGE, Panel, register_panel
from consultations.selectors import register_timeline_source
from treatments.plans import selectors
from treatments.plans.models import Plan


def load_plans(request, patient) -> dict:
    if not request.user.has_perm(selectors.VIEW_PLAN):
        return {"plans": []}  # the panel says who may see them
    return {"plans": selectors.plans_for_patient(patient=patient)}


def plans_for_assessment(*, assessment) -> list[Plan]:
    """The plans made from the assessment, newest first, with their treatment (1 query)."""
    return list(Plan.objects.filter(assessment=assessment).select_related("treatment"))


def load_assessment_plans(request, assessment) -> dict:
    return {"plans": plans_for_assessment(assessment=assessment)}


PANELS = (
    Panel("plans", "plans/panels/plans.html", 30, load_plans),
    Panel(
        "plans",
        "plans/panels/assessment_plans.html",
        10,
        load_assessment_plans,
        permission=selectors.VIEW_PLAN,
        page=ASSESSMENT_PAGE,
    ),
)


def register() -> None:
    for panel in PANELS:
        register_panel(panel)
    register_timeline_source(selectors.plan_timeline_events)
