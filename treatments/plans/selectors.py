"""Reads of plans and their consents, shaped for the pages that show them."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from treatments.plans.models import ConsentLink, Plan, PlanConsent, PlanStatusChange

VIEW_PLAN = "plans.view_plan"


def plans_for_patient(*, patient) -> list[Plan]:
    """The patient's plans, newest first, with treatment and consents (2 queries)."""
    return list(
        Plan.objects.filter(patient=patient)
        .select_related("treatment", "supersedes")
        .prefetch_related("consents")
    )


def plan_get_for_user(*, user, patient, pk: int) -> Plan:
    """The patient's plan with everything its page shows, or 404 (unknown, another
    patient's, or the user may not see plans)."""
    if not user.has_perm(VIEW_PLAN):
        raise Http404
    try:
        return (
            Plan.objects.select_related(
                "patient", "treatment", "assessment", "supersedes", "created_by"
            )
            .prefetch_related(
                "sessions",
                "line_items",
                Prefetch("status_changes", queryset=PlanStatusChange.objects.select_related("by")),
                Prefetch(
                    "consents",
                    queryset=PlanConsent.objects.select_related("witnessed_by").order_by(
                        "-signed_at"
                    ),
                ),
                "superseded_by",
                "consent_links",
            )
            .get(patient=patient, pk=pk)
        )
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def consent_link_get_by_token(*, token: str):
    """The consent link with its plan, patient and treatment, or None (never raises)."""
    if not token or len(token) > 64:
        return None
    return (
        ConsentLink.objects.select_related("plan__patient", "plan__treatment")
        .filter(token=token)
        .first()
    )


def consent_link_open(*, plan):
    """The plan's link that can still be used, if any."""
    now = timezone.now()
    for link in plan.consent_links.all():
        if link.is_open_at(now):
            return link
    return None


def _plan_events(patient, intakes):
    from consultations.selectors import TimelineEvent

    kinds = {"accepted": "success", "declined": "danger", "cancelled": "secondary"}
    changes = (
        PlanStatusChange.objects.filter(plan__patient=patient)
        .exclude(note__startswith="Adjusted")
        .select_related("plan__treatment", "by")
    )
    for change in changes:
        title = (
            f"{change.plan.treatment.name} plan drafted"
            if not change.from_status
            else f"{change.plan.treatment.name} plan {change.get_to_status_display().lower()}"
        )
        yield TimelineEvent(
            change.at,
            title,
            detail=change.note,
            by=(change.by.get_full_name() or change.by.get_username()) if change.by else "",
            kind=kinds.get(change.to_status, "info"),
        )


# TEMPORARY (i9-consult, until i9-plans renames _plan_events): drop this line at merge.
plan_timeline_events = _plan_events


def _register_timeline() -> None:
    from consultations.selectors import TIMELINE_SOURCES, register_timeline_source

    if _plan_events not in TIMELINE_SOURCES:
        register_timeline_source(_plan_events)


_register_timeline()
