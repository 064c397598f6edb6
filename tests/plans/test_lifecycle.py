"""treatments.plans.lifecycle: the plan's state machine and what each role may do in each
status. Pure: plans and users are stand-ins, the roles' permissions are the real grants."""

from dataclasses import dataclass, field

import pytest

from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER
from treatments.plans import lifecycle
from treatments.plans.models import PlanStatus
from treatments.plans.roles import PERMISSIONS

S = PlanStatus


@dataclass(frozen=True)
class Plan:
    status: str
    assessment_id: int | None = 7


@dataclass(frozen=True)
class User:
    perms: frozenset[str] = field(default_factory=frozenset)

    def has_perm(self, perm: str, obj=None) -> bool:
        return perm in self.perms


def user_with(role: str) -> User:
    return User(frozenset(PERMISSIONS[role]))


ROLES = {"provider": PROVIDER, "clinic_admin": CLINIC_ADMIN, "front_desk": FRONT_DESK}
READY, NEEDS_CONSENT, LATER = (
    "Ready to book",
    "Needs the signed consent",
    "After the patient accepts and signs",
)

# status, can_book, transition buttons, can_adjust, can_sign (and send a link),
# can_supersede, booking note: what a provider (or a clinic admin) may do.
CHANGERS = [
    (S.DRAFT, False, ["presented", "cancelled"], True, False, True, LATER),
    (S.PRESENTED, False, ["draft", "declined", "cancelled"], False, True, True, LATER),
    (S.ACCEPTED, True, ["in_progress", "cancelled"], False, False, True, READY),
    (S.ACCEPTED, False, ["in_progress", "cancelled"], False, False, True, NEEDS_CONSENT),
    (S.IN_PROGRESS, True, ["completed", "cancelled"], False, False, False, READY),
    (S.IN_PROGRESS, False, ["completed", "cancelled"], False, False, False, LATER),
    (S.COMPLETED, False, [], False, False, False, LATER),
    (S.DECLINED, False, [], False, False, False, LATER),
    (S.CANCELLED, False, [], False, False, False, LATER),
]


@pytest.mark.parametrize("role", ["provider", "clinic_admin"])
@pytest.mark.parametrize(
    ("status", "can_book", "transitions", "adjust", "sign", "supersede", "booking"), CHANGERS
)
def test_what_a_provider_may_do_in_each_status(
    role, status, can_book, transitions, adjust, sign, supersede, booking
):
    actions = lifecycle.plan_actions(Plan(status), user=user_with(ROLES[role]), can_book=can_book)
    assert [t.to_status for t in actions.transitions] == transitions
    assert (actions.can_adjust, actions.can_sign, actions.can_send_consent_link) == (
        adjust,
        sign,
        sign,
    )
    assert actions.can_supersede is supersede
    assert (actions.can_book, actions.booking) == (can_book, booking)


@pytest.mark.parametrize(
    ("status", "can_book", "booking"), [(row[0], row[1], row[6]) for row in CHANGERS]
)
def test_front_desk_only_reads_a_plan_in_every_status(status, can_book, booking):
    actions = lifecycle.plan_actions(Plan(status), user=user_with(FRONT_DESK), can_book=can_book)
    assert actions == lifecycle.PlanActions(can_book=can_book, booking=booking)


@pytest.mark.parametrize("perms", [set(), {"plans.view_plan", "plans.record_consent"}])
def test_without_change_plan_nothing_may_be_done(perms):
    for status in S:
        actions = lifecycle.plan_actions(Plan(status), user=User(frozenset(perms)), can_book=False)
        assert not (actions.transitions or actions.can_adjust or actions.can_sign)
        assert not (actions.can_send_consent_link or actions.can_supersede)


def test_labels_of_the_transition_buttons():
    provider = user_with(PROVIDER)
    labels = {
        status: [
            t.label
            for t in lifecycle.plan_actions(Plan(status), user=provider, can_book=False).transitions
        ]
        for status in (S.DRAFT, S.PRESENTED, S.ACCEPTED, S.IN_PROGRESS)
    }
    assert labels == {
        S.DRAFT: ["Present to the patient", "Cancel plan"],
        S.PRESENTED: ["Back to draft", "Patient declined", "Cancel plan"],
        S.ACCEPTED: ["Treatment started", "Cancel plan"],
        S.IN_PROGRESS: ["Course completed", "Cancel plan"],
    }
    cancel = next(t for t in lifecycle.TRANSITION_BUTTONS if t.to_status == S.CANCELLED)
    assert cancel.confirm.startswith("Cancel this plan?")


@pytest.mark.parametrize(
    ("status", "transitions", "sign"),
    [
        (S.DRAFT, ["cancelled"], False),  # a pregnancy reported since: not presented
        (S.PRESENTED, ["draft", "declined", "cancelled"], False),  # ...nor signed
    ],
)
def test_a_blocked_plan_is_neither_presented_nor_signed(status, transitions, sign):
    actions = lifecycle.plan_actions(
        Plan(status), user=user_with(PROVIDER), can_book=False, blocked=True
    )
    assert [t.to_status for t in actions.transitions] == transitions
    assert (actions.can_sign, actions.can_send_consent_link) == (sign, sign)
    assert actions.can_adjust is (status == S.DRAFT)


def test_signing_needs_the_consent_permission():
    user = User(frozenset({"plans.view_plan", "plans.change_plan"}))
    actions = lifecycle.plan_actions(Plan(S.PRESENTED), user=user, can_book=False)
    assert not actions.can_sign and not actions.can_send_consent_link
    assert [t.to_status for t in actions.transitions] == ["draft", "declined", "cancelled"]


def test_only_a_plan_from_an_assessment_and_a_user_who_adds_plans_may_replace_it():
    provider = user_with(PROVIDER)
    no_add = User(frozenset({"plans.view_plan", "plans.change_plan"}))
    assert lifecycle.plan_actions(Plan(S.DRAFT), user=provider, can_book=False).can_supersede
    assert not lifecycle.plan_actions(
        Plan(S.DRAFT, assessment_id=None), user=provider, can_book=False
    ).can_supersede
    assert not lifecycle.plan_actions(Plan(S.DRAFT), user=no_add, can_book=False).can_supersede


@pytest.mark.parametrize(
    ("from_status", "to_status", "problem"),
    [
        (S.DRAFT, S.PRESENTED, ""),
        (S.PRESENTED, S.DRAFT, ""),
        (S.IN_PROGRESS, S.CANCELLED, ""),
        (S.PRESENTED, S.ACCEPTED, "A plan is accepted when the patient signs the consent."),
        (S.DRAFT, S.ACCEPTED, "A plan is accepted when the patient signs the consent."),
        (S.DRAFT, S.COMPLETED, "A draft plan cannot become completed."),
        (S.CANCELLED, S.DRAFT, "A cancelled plan cannot become draft."),
        (S.COMPLETED, S.IN_PROGRESS, "A completed plan cannot become in progress."),
    ],
)
def test_transition_problem_says_why(from_status, to_status, problem):
    assert lifecycle.transition_problem(from_status, to_status) == problem
    assert lifecycle.can_transition(from_status, to_status) is (problem == "")


def test_what_each_status_allows():
    rows = {
        status: (
            lifecycle.plan_can_be_adjusted(Plan(status)),
            lifecycle.plan_can_be_signed(Plan(status)),
            lifecycle.plan_may_be_blocked(Plan(status)),
        )
        for status in S
    }
    assert rows == {
        S.DRAFT: (True, False, True),
        S.PRESENTED: (False, True, True),
        S.ACCEPTED: (False, False, False),
        S.IN_PROGRESS: (False, False, False),
        S.COMPLETED: (False, False, False),
        S.DECLINED: (False, False, False),
        S.CANCELLED: (False, False, False),
    }
