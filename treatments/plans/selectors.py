"""Reads of plans and their consents, shaped for the pages that show them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from consultations.selectors import (
    TimelineEvent,
    assessment_conditions,
    intake_latest_submitted,
    user_sees_clinical,
)
from treatments.catalog.models import Condition
from treatments.plans import lifecycle
from treatments.plans.models import (
    ConsentLink,
    Plan,
    PlanChangeKind,
    PlanConsent,
    PlanStatusChange,
)

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


def plan_blocked_reason(*, plan: Plan) -> str:
    """Why this plan may not be presented or accepted now (pregnancy at the latest intake or
    assessment), or ""."""
    if plan.assessment_id is None:
        return ""
    conditions = assessment_conditions(
        assessment=plan.assessment, screening=intake_latest_submitted(patient=plan.patient)
    )
    if conditions and Condition.objects.blocking_treatment().filter(code__in=conditions).exists():
        return (
            "The patient is pregnant or breastfeeding, so this plan cannot be presented or "
            "accepted."
        )
    return ""


@dataclass(frozen=True)
class PlanPage:
    """What the plan page shows besides the plan itself, and what the user may do there."""

    plan: Plan
    actions: lifecycle.PlanActions
    blocked: str  # why the plan may not be presented or signed now, or ""
    consent: PlanConsent | None  # the latest signed consent
    consent_link: ConsentLink | None  # the signing link the patient may still use
    clinical: bool = False  # the user may see the warnings and internal notes


def plan_page(*, plan: Plan, user) -> PlanPage:
    """The plan page for this user: the pregnancy check only while it can stop the plan
    (2 queries), the rest from `plan_get_for_user`'s prefetches."""
    blocked = plan_blocked_reason(plan=plan) if lifecycle.plan_may_be_blocked(plan) else ""
    signable = lifecycle.plan_can_be_signed(plan)
    return PlanPage(
        plan=plan,
        actions=lifecycle.plan_actions(
            plan, user=user, can_book=lifecycle.plan_can_be_booked(plan), blocked=bool(blocked)
        ),
        blocked=blocked,
        consent=next(iter(plan.consents.all()), None),
        consent_link=consent_link_open(plan=plan) if signable else None,
        clinical=user_sees_clinical(user),
    )


def consent_link_closed_reason(*, link: ConsentLink | None, now: datetime) -> str:
    """Why a signing link shows no consent form: "unknown", "used", "closed" (expired,
    revoked, or the plan is no longer presented); "" when the patient may sign through it."""
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if not link.is_open_at(now) or not lifecycle.plan_can_be_signed(link.plan):
        return "closed"
    return ""


_TIMELINE_KINDS = {"accepted": "success", "declined": "danger", "cancelled": "secondary"}


def plan_timeline_events(patient, intakes) -> Iterator[TimelineEvent]:
    """The patient timeline's plan events: each status change, never an adjustment (which
    changes a draft, not its status). A timeline source for
    `consultations.selectors.register_timeline_source`."""
    changes = (
        PlanStatusChange.objects.filter(plan__patient=patient)
        .exclude(kind=PlanChangeKind.ADJUSTED)
        .select_related("plan__treatment", "by")
    )
    for change in changes:
        name = change.plan.treatment.name
        title = (
            f"{name} plan {change.get_to_status_display().lower()}"
            if change.from_status
            else f"{name} plan drafted"
        )
        yield TimelineEvent(
            change.at,
            title,
            detail=change.note,
            by=change.actor,
            kind=_TIMELINE_KINDS.get(change.to_status, "info"),
        )
