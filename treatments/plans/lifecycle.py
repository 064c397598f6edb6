"""The plan's lifecycle, in one place: which status may follow which, what may be done to a
plan in each status (and by whom), and when a plan's sessions may be booked. Services
enforce it; selectors, views and templates read it, never re-encode it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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

# A plan becomes accepted only when the patient signs the consent (`consent_record`), never
# by a plain status change.
BY_CONSENT: PlanStatus = PlanStatus.ACCEPTED
# Only a draft is adjusted; only a presented plan is signed (on the tablet or by a link).
ADJUSTABLE: PlanStatus = PlanStatus.DRAFT
SIGNABLE: PlanStatus = PlanStatus.PRESENTED
# Statuses in which a pregnancy reported since blocks presenting and signing.
BLOCKABLE_STATUSES: tuple[str, ...] = (PlanStatus.DRAFT, PlanStatus.PRESENTED)
# Statuses the page offers to replace with a new draft (no session has been done yet).
SUPERSEDABLE_STATUSES: tuple[str, ...] = (
    PlanStatus.DRAFT,
    PlanStatus.PRESENTED,
    PlanStatus.ACCEPTED,
)
# Statuses whose sessions may be booked (with a signed consent), and those with sessions.
BOOKABLE_STATUSES: tuple[str, ...] = (PlanStatus.ACCEPTED, PlanStatus.IN_PROGRESS)
WITH_SESSIONS: tuple[str, ...] = (*BOOKABLE_STATUSES, PlanStatus.COMPLETED)

CHANGE_PLAN = "plans.change_plan"
ADD_PLAN = "plans.add_plan"
RECORD_CONSENT = "plans.record_consent"


@dataclass(frozen=True)
class TransitionButton:
    """A status change the plan page offers, as its button says it."""

    to_status: str
    label: str
    style: str  # the Bootstrap button variant: "primary", "outline-danger"...
    confirm: str = ""  # a question to confirm before the change, if it needs one


# In the order the plan page shows them.
TRANSITION_BUTTONS: tuple[TransitionButton, ...] = (
    TransitionButton(PlanStatus.PRESENTED, "Present to the patient", "primary"),
    TransitionButton(PlanStatus.DRAFT, "Back to draft", "outline-secondary"),
    TransitionButton(PlanStatus.DECLINED, "Patient declined", "outline-danger"),
    TransitionButton(PlanStatus.IN_PROGRESS, "Treatment started", "outline-primary"),
    TransitionButton(PlanStatus.COMPLETED, "Course completed", "outline-primary"),
    TransitionButton(
        PlanStatus.CANCELLED,
        "Cancel plan",
        "outline-danger",
        confirm="Cancel this plan? It stays readable, but can no longer be booked.",
    ),
)


class _User(Protocol):
    def has_perm(self, perm: str, obj=None) -> bool: ...


class _Plan(Protocol):
    status: str
    assessment_id: int | None


@dataclass(frozen=True)
class PlanActions:
    """What a user may do with a plan now, for the plan page to show and nothing else to
    decide again."""

    transitions: tuple[TransitionButton, ...] = ()
    can_adjust: bool = False
    can_sign: bool = False  # the patient signs on the clinic's tablet
    can_send_consent_link: bool = False  # a link for the patient to sign on their device
    can_supersede: bool = False
    can_book: bool = False
    booking: str = ""  # where booking stands, in a few words


def can_transition(from_status: str, to_status: str) -> bool:
    """Whether a plain status change (not the consent) may move a plan between these."""
    return to_status != BY_CONSENT and to_status in TRANSITIONS[PlanStatus(from_status)]


def transition_problem(from_status: str, to_status: str) -> str:
    """Why a plan in `from_status` may not be moved to `to_status` by hand ("" if it may)."""
    if to_status == BY_CONSENT:
        return "A plan is accepted when the patient signs the consent."
    if to_status not in TRANSITIONS[PlanStatus(from_status)]:
        return (
            f"A {PlanStatus(from_status).label.lower()} plan cannot become "
            f"{PlanStatus(to_status).label.lower()}."
        )
    return ""


def plan_can_be_adjusted(plan: _Plan) -> bool:
    return plan.status == ADJUSTABLE


def plan_can_be_signed(plan: _Plan) -> bool:
    return plan.status == SIGNABLE


def plan_may_be_blocked(plan: _Plan) -> bool:
    """Whether a pregnancy reported since would stop this plan now (so it is worth checking)."""
    return plan.status in BLOCKABLE_STATUSES


def booking_note(plan: _Plan, *, can_book: bool) -> str:
    if can_book:
        return "Ready to book"
    if plan.status == PlanStatus.ACCEPTED:
        return "Needs the signed consent"
    return "After the patient accepts and signs"


def plan_actions(plan: _Plan, *, user: _User, can_book: bool, blocked: bool = False) -> PlanActions:
    """What `user` may do with `plan` now. `can_book` is `plan_can_be_booked(plan)`;
    `blocked` says a pregnancy reported since stops presenting and signing."""
    booking = booking_note(plan, can_book=can_book)
    if not user.has_perm(CHANGE_PLAN):
        return PlanActions(can_book=can_book, booking=booking)
    signable = plan_can_be_signed(plan) and not blocked and user.has_perm(RECORD_CONSENT)
    return PlanActions(
        transitions=tuple(
            button
            for button in TRANSITION_BUTTONS
            if can_transition(plan.status, button.to_status)
            and not (blocked and button.to_status == PlanStatus.PRESENTED)
        ),
        can_adjust=plan_can_be_adjusted(plan),
        can_sign=signable,
        can_send_consent_link=signable,
        can_supersede=(
            plan.status in SUPERSEDABLE_STATUSES
            and bool(plan.assessment_id)
            and user.has_perm(ADD_PLAN)
        ),
        can_book=can_book,
        booking=booking,
    )


def plan_can_be_booked(plan: Plan) -> bool:
    """Whether sessions of this plan may be booked: accepted (or under way) and signed.

    Uses a prefetched `consents` when there is one."""
    if plan.status not in BOOKABLE_STATUSES:
        return False
    cache = getattr(plan, "_prefetched_objects_cache", {})
    if "consents" in cache:
        return bool(cache["consents"])
    return plan.consents.exists()
