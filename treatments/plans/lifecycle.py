"""The plan's lifecycle, in one place: which status may follow which, and when a plan's
sessions may be booked. Services enforce it; selectors and templates read it."""

from __future__ import annotations

from treatments.plans.models import Plan, PlanStatus

TRANSITIONS: dict[PlanStatus, frozenset[PlanStatus]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.PRESENTED, PlanStatus.CANCELLED}),
    PlanStatus.PRESENTED: frozenset(
        {PlanStatus.DRAFT, PlanStatus.ACCEPTED, PlanStatus.DECLINED, PlanStatus.CANCELLED}
    ),
    PlanStatus.ACCEPTED: frozenset({PlanStatus.IN_PROGRESS, PlanStatus.CANCELLED}),
    PlanStatus.IN_PROGRESS: frozenset({PlanStatus.COMPLETED, PlanStatus.CANCELLED}),
    PlanStatus.COMPLETED: frozenset(),
    PlanStatus.DECLINED: frozenset(),
    PlanStatus.CANCELLED: frozenset(),
}

# Statuses whose sessions may be booked (with a signed consent), and those with sessions.
BOOKABLE_STATUSES: tuple[str, ...] = (PlanStatus.ACCEPTED, PlanStatus.IN_PROGRESS)
WITH_SESSIONS: tuple[str, ...] = (*BOOKABLE_STATUSES, PlanStatus.COMPLETED)


def plan_can_be_booked(plan: Plan) -> bool:
    """Whether sessions of this plan may be booked: accepted (or under way) and signed.

    Uses a prefetched `consents` when there is one."""
    if plan.status not in BOOKABLE_STATUSES:
        return False
    cache = getattr(plan, "_prefetched_objects_cache", {})
    if "consents" in cache:
        return bool(cache["consents"])
    return plan.consents.exists()
