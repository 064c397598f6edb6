"""The plan engine: from patient facts, areas and preferences to ranked treatment options.

Pure Python: no ORM, no I/O, no clock. The caller loads a `Catalog` snapshot (see
`treatments.selectors.catalog_snapshot`), passes the clinic's `Closures` and the `start`
date, and calls::

    result = plan_options(patient=..., areas=..., preferences=..., catalog=..., closures=...,
                          start=date(2027, 1, 4))

`result.options` are the eligible treatments, best first; `result.excluded` the others, each
with every reason. Every reason and warning is a sentence a patient can read. The rules are
those of shared/DOMAIN.md; every number comes from the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from treatments.engine.pricing import (
    Charge,
    Cost,
    ExtraDiscount,
    PricingSettings,
    format_money,
    price_course,
)

ENGINE_VERSION = "1.0.0"

SIZES = ("small", "medium", "large")
CONSISTENCIES = ("soft", "firm", "fibrous")
LAXITIES = ("none", "mild", "moderate", "severe")
SEXES = ("female", "male", "other")
EXCLUDE, WARN = "exclude", "warn"

# Suitability factors an area can show; SuitabilityRule.factor is one of these.
FACTOR_LOOSE_SKIN = "loose_skin"  # laxity moderate or severe
FACTOR_SMALL = "small_area"
FACTOR_MEDIUM = "medium_area"
FACTOR_LARGE = "large_area"
FACTOR_DENSE = "dense_fat"  # consistency firm or fibrous
FACTOR_SOFT = "soft_fat"
FACTORS = (
    FACTOR_LOOSE_SKIN,
    FACTOR_SMALL,
    FACTOR_MEDIUM,
    FACTOR_LARGE,
    FACTOR_DENSE,
    FACTOR_SOFT,
)

ADULT_AGE = 18
# Fit to preferences, after suitability (DOMAIN.md "Ranking").
DOWNTIME_PENALTY = 2
BUDGET_PENALTY = 1
# How far ahead to look for an open clinic day before giving up (a clinic closed every day).
MAX_SEARCH_DAYS = 3 * 366


# --- Input ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TreatmentSpec:
    """One catalog treatment with every number the engine reads."""

    code: str
    name: str
    unit: str  # "vial"
    unit_plural: str  # "vials"
    price_per_unit: Decimal
    units_small: int
    units_medium: int
    units_large: int
    max_units_per_round: int  # units treated at once (vials, cycles, applicators)
    max_rounds_per_visit: int  # >1: "a second treatment in the same visit"
    session_base_minutes: int
    minutes_per_unit: int
    minutes_per_round: int
    min_sessions: int
    max_sessions: int
    min_interval_days: int
    usual_interval_days: int
    reduction_percent: Decimal  # expected fat reduction per session (planning assumption)
    min_pinch_mm: Decimal
    bmi_limit: Decimal | None  # None: no limit
    bmi_limit_submental: Decimal | None  # None: the body limit applies under the chin too
    downtime_days: int
    first_results_weeks: int  # after the first session
    final_results_weeks: int  # after the last session
    cleared_areas: frozenset[str] = frozenset()  # empty: no off-label warning at all
    regulatory_note: str = ""
    downtime_note: str = ""  # e.g. "swelling and bruising"
    aftercare: str = ""

    def units_for(self, size: str) -> int:
        return {"small": self.units_small, "medium": self.units_medium}.get(size, self.units_large)

    def units_per_visit(self) -> int:
        return self.max_units_per_round * self.max_rounds_per_visit

    def bmi_limit_for(self, area: str) -> Decimal | None:
        if area == "submental" and self.bmi_limit_submental is not None:
            return self.bmi_limit_submental
        return self.bmi_limit

    def unit_label(self, quantity: int) -> str:
        return self.unit if quantity == 1 else self.unit_plural


@dataclass(frozen=True)
class ConditionRule:
    """A patient condition does `action` (exclude or warn) to a treatment, saying `sentence`."""

    condition: str
    treatment: str
    action: str
    sentence: str


@dataclass(frozen=True)
class SuitabilityRule:
    """When an area shows `factor`, the treatment scores `points`, explained by `reason`."""

    treatment: str
    factor: str
    points: int
    reason: str


@dataclass(frozen=True)
class Catalog:
    treatments: tuple[TreatmentSpec, ...]
    condition_rules: tuple[ConditionRule, ...]
    suitability_rules: tuple[SuitabilityRule, ...]
    area_names: Mapping[str, str]  # code -> patient-readable name
    pricing: PricingSettings = field(default_factory=PricingSettings)
    default_goal_pinch_mm: Decimal = Decimal("20")
    weight_loss_warning_bmi: Decimal = Decimal("30")
    currency: str = "USD"

    def area_name(self, code: str) -> str:
        return self.area_names.get(code, code.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Closures:
    """Days the clinic is closed: weekdays (Monday 0 .. Sunday 6) and single dates."""

    weekdays: frozenset[int] = frozenset({6})
    dates: frozenset[date] = frozenset()

    def is_open(self, day: date) -> bool:
        return day.weekday() not in self.weekdays and day not in self.dates


@dataclass(frozen=True)
class PatientFacts:
    age: int
    sex: str
    height_cm: Decimal
    weight_kg: Decimal
    weight_stable: bool = True
    conditions: frozenset[str] = frozenset()

    @property
    def bmi(self) -> Decimal:
        metres = Decimal(self.height_cm) / 100
        return (Decimal(self.weight_kg) / (metres * metres)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class AreaInput:
    area: str
    pinch_mm: Decimal
    size: str
    consistency: str = "soft"
    skin_laxity: str = "none"


@dataclass(frozen=True)
class Preferences:
    max_downtime_days: int | None = None
    budget: Decimal | None = None
    start_date: date | None = None  # earliest start the patient wants
    goal_pinch_mm: Decimal | None = None  # the provider's goal; default from the catalog


# --- Output --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionArea:
    area: str
    units: int
    unit: str  # singular unit name: "vial", "cycle", "applicator"


@dataclass(frozen=True)
class PlannedSession:
    number: int
    date: date
    duration_minutes: int
    areas: tuple[SessionArea, ...]
    treatments_in_visit: int = 1  # 2+: the units need a second treatment in the same visit


@dataclass(frozen=True)
class AreaPlan:
    """How one area is treated: `units` per session for `sessions` sessions."""

    area: str
    units: int
    sessions: int
    expected_pinch_mm: Decimal  # after those sessions, by the planning assumption


@dataclass(frozen=True)
class PlanOption:
    treatment: str
    name: str
    rank: int
    score: int
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    area_plans: tuple[AreaPlan, ...]
    sessions: tuple[PlannedSession, ...]
    cost: Cost
    downtime_days: int
    results_from: date
    final_results_by: date
    aftercare: str

    @property
    def session_count(self) -> int:
        return len(self.sessions)


@dataclass(frozen=True)
class ExcludedTreatment:
    treatment: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PlanResult:
    engine_version: str
    currency: str
    bmi: Decimal
    goal_pinch_mm: Decimal
    options: tuple[PlanOption, ...]
    excluded: tuple[ExcludedTreatment, ...]


# --- The engine ----------------------------------------------------------------------------


def bmi(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    """Body-mass index, rounded once to one decimal, half up (30.05 is 30.1)."""
    metres = Decimal(height_cm) / 100
    return (Decimal(weight_kg) / (metres * metres)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def plan_options(
    *,
    patient: PatientFacts,
    areas: Sequence[AreaInput],
    preferences: Preferences,
    catalog: Catalog,
    closures: Closures,
    start: date,
) -> PlanResult:
    """Every catalog treatment, either as a ranked option or excluded with its reasons.

    `start` is the earliest day the first session may be (the caller's "today"); the
    patient's preferred start date moves it later, never earlier.
    """
    if not areas:
        raise ValueError("A plan needs at least one area.")
    goal = preferences.goal_pinch_mm or catalog.default_goal_pinch_mm
    earliest = max(start, preferences.start_date or start)
    bmi = patient.bmi

    drafts: list[_Draft] = []
    excluded: list[ExcludedTreatment] = []
    for spec in catalog.treatments:
        outcome = _consider(
            spec, patient, bmi, areas, preferences, catalog, closures, goal, earliest
        )
        if isinstance(outcome, ExcludedTreatment):
            excluded.append(outcome)
        else:
            drafts.append(outcome)

    drafts.sort(key=lambda d: (-d.score, d.cost.total, len(d.sessions), d.spec.code))
    options = []
    for index, draft in enumerate(drafts):
        reasons = list(draft.reasons)
        if index > 0 and drafts[index - 1].score == draft.score:
            above = drafts[index - 1]
            why = (
                "costs less"
                if above.cost.total < draft.cost.total
                else "needs fewer sessions"
                if len(above.sessions) < len(draft.sessions)
                else "comes first in the catalog"
            )
            reasons.append(
                f"Equally suitable as {above.spec.name}, which is ranked higher because it {why}."
            )
        options.append(draft.to_option(rank=index + 1, reasons=tuple(reasons)))
    return PlanResult(
        engine_version=ENGINE_VERSION,
        currency=catalog.currency,
        bmi=bmi,
        goal_pinch_mm=goal,
        options=tuple(options),
        excluded=tuple(excluded),
    )


def sessions_needed(
    *,
    pinch_mm: Decimal,
    goal_mm: Decimal,
    reduction_percent: Decimal,
    min_sessions: int,
    max_sessions: int,
) -> tuple[int, bool]:
    """The smallest n with pinch x (1 - r)^n <= goal, clamped to [max(1, min), max].

    Returns (n, reaches_goal). Never fewer sessions for a thicker layer.
    """
    keep = 1 - Decimal(reduction_percent) / 100
    lower = max(1, min_sessions)
    remaining = Decimal(pinch_mm)
    n = 0
    while remaining > goal_mm and n < max_sessions:
        remaining *= keep
        n += 1
    reached = remaining <= goal_mm
    return min(max(n, lower), max(max_sessions, lower)), reached


def expected_pinch(pinch_mm: Decimal, reduction_percent: Decimal, sessions: int) -> Decimal:
    keep = 1 - Decimal(reduction_percent) / 100
    return (Decimal(pinch_mm) * keep**sessions).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def schedule_dates(
    *,
    visits: Sequence[int],
    start: date,
    min_interval_days: int,
    usual_interval_days: int,
    closures: Closures,
) -> list[date] | None:
    """Dates for a sequence of visits; `visits[i]` is the group (set of areas) visit i treats.

    Visits are on open days, strictly in order; two visits of the same group are at least the
    minimum interval apart, at the usual interval when an open day falls there, otherwise on
    the open day nearest to it (later first). None when no open day can be found.
    """
    dates: list[date] = []
    last_of_group: dict[int, date] = {}
    for group in visits:
        floor = dates[-1] + timedelta(days=1) if dates else start
        previous = last_of_group.get(group)
        if previous is None:
            day = _next_open(floor, closures)
        else:
            floor = max(floor, previous + timedelta(days=min_interval_days))
            target = max(floor, previous + timedelta(days=usual_interval_days))
            day = _nearest_open(target, floor, closures)
        if day is None:
            return None
        dates.append(day)
        last_of_group[group] = day
    return dates


def _next_open(day: date, closures: Closures) -> date | None:
    for offset in range(MAX_SEARCH_DAYS):
        candidate = day + timedelta(days=offset)
        if closures.is_open(candidate):
            return candidate
    return None


def _nearest_open(target: date, floor: date, closures: Closures) -> date | None:
    for offset in range(MAX_SEARCH_DAYS):
        later = target + timedelta(days=offset)
        if closures.is_open(later):
            return later
        earlier = target - timedelta(days=offset)
        if offset and earlier >= floor and closures.is_open(earlier):
            return earlier
    return None


@dataclass
class _Draft:
    spec: TreatmentSpec
    score: int
    reasons: list[str]
    warnings: list[str]
    area_plans: tuple[AreaPlan, ...]
    sessions: tuple[PlannedSession, ...]
    cost: Cost
    results_from: date
    final_results_by: date

    def to_option(self, *, rank: int, reasons: tuple[str, ...]) -> PlanOption:
        spec = self.spec
        return PlanOption(
            treatment=spec.code,
            name=spec.name,
            rank=rank,
            score=self.score,
            reasons=reasons,
            warnings=tuple(self.warnings),
            area_plans=self.area_plans,
            sessions=self.sessions,
            cost=self.cost,
            downtime_days=spec.downtime_days,
            results_from=self.results_from,
            final_results_by=self.final_results_by,
            aftercare=spec.aftercare,
        )


def _consider(
    spec: TreatmentSpec,
    patient: PatientFacts,
    bmi: Decimal,
    areas: Sequence[AreaInput],
    preferences: Preferences,
    catalog: Catalog,
    closures: Closures,
    goal: Decimal,
    earliest: date,
) -> _Draft | ExcludedTreatment:
    exclusions: list[str] = []
    warnings: list[str] = []

    if patient.age < ADULT_AGE:
        exclusions.append(
            f"The patient is {patient.age}: these treatments are for adults (18 or older) only."
        )
    for rule in catalog.condition_rules:
        if rule.treatment == spec.code and rule.condition in patient.conditions:
            (exclusions if rule.action == EXCLUDE else warnings).append(rule.sentence)
    over_limit: dict[Decimal, list[str]] = {}
    for area in areas:
        limit = spec.bmi_limit_for(area.area)
        if limit is not None and bmi > limit:
            over_limit.setdefault(limit, []).append(_lower(catalog.area_name(area.area)))
    for limit, names in over_limit.items():
        exclusions.append(
            f"A BMI of {_num(bmi)} is over the limit of {_num(limit)} for {spec.name} "
            f"on the {_join(names)}."
        )
    for area in areas:
        if area.pinch_mm < spec.min_pinch_mm:
            exclusions.append(
                f"The fat layer on the {_lower(catalog.area_name(area.area))} "
                f"({_num(area.pinch_mm)} mm pinch) is thinner than the {_num(spec.min_pinch_mm)} mm "
                f"{spec.name} needs."
            )
    for area in areas:
        units = spec.units_for(area.size)
        if units > spec.units_per_visit():
            exclusions.append(
                f"The {_lower(catalog.area_name(area.area))} needs {units} "
                f"{spec.unit_label(units)} in a session, more than the {spec.units_per_visit()} "
                f"one visit allows."
            )
    _dedupe(exclusions)
    if exclusions:
        return ExcludedTreatment(treatment=spec.code, name=spec.name, reasons=tuple(exclusions))

    # Patient-wide warnings.
    if bmi > catalog.weight_loss_warning_bmi:
        warnings.append(
            f"With a BMI of {_num(bmi)}, know that this treatment reduces fat in one area; "
            "it is not a weight-loss treatment."
        )
    if not patient.weight_stable:
        warnings.append(
            "Your weight has not been stable for the last 6 months: results last only if your "
            "weight stays stable."
        )
    if any(a.skin_laxity == "severe" for a in areas):
        warnings.append(
            "Your skin is very loose: removing fat will not tighten it, and a surgeon's opinion "
            "may serve you better."
        )
    for area in areas:
        if spec.cleared_areas and area.area not in spec.cleared_areas:
            note = f" {spec.regulatory_note}" if spec.regulatory_note else ""
            warnings.append(
                f"Off-label use: {spec.name} is not approved for the "
                f"{_lower(catalog.area_name(area.area))}.{note}"
            )

    # Sessions per area.
    area_plans: list[AreaPlan] = []
    for area in areas:
        name = _lower(catalog.area_name(area.area))
        n, reached = sessions_needed(
            pinch_mm=area.pinch_mm,
            goal_mm=goal,
            reduction_percent=spec.reduction_percent,
            min_sessions=spec.min_sessions,
            max_sessions=spec.max_sessions,
        )
        if area.pinch_mm <= goal:
            warnings.append(
                f"The {name} ({_num(area.pinch_mm)} mm pinch) is already at or below the "
                f"{_num(goal)} mm goal, so there is little to remove; the plan keeps to the "
                f"fewest sessions ({n})."
            )
        elif not reached:
            warnings.append(
                f"Even {_count(n, 'session')} of {spec.name} are not expected to bring the "
                f"{name} from {_num(area.pinch_mm)} mm to the {_num(goal)} mm goal "
                f"(about {_num(expected_pinch(area.pinch_mm, spec.reduction_percent, n))} mm)."
            )
        area_plans.append(
            AreaPlan(
                area=area.area,
                units=spec.units_for(area.size),
                sessions=n,
                expected_pinch_mm=expected_pinch(area.pinch_mm, spec.reduction_percent, n),
            )
        )

    # Visits: areas packed into groups that fit one visit; each course round visits every
    # group with an area still needing a session.
    groups = _pack(area_plans, spec.units_per_visit())
    if len(groups) > 1:
        warnings.append(
            f"All areas together need more {spec.unit_plural} than one visit allows "
            f"({spec.units_per_visit()}), so each round is split across {len(groups)} visits."
        )
    try:
        sessions = schedule_course(
            spec=spec, area_plans=area_plans, start=earliest, closures=closures
        )
        if sessions is not None:
            results_from = sessions[0].date + timedelta(weeks=spec.first_results_weeks)
            final_results_by = sessions[-1].date + timedelta(weeks=spec.final_results_weeks)
    except OverflowError:  # a start date at the end of the calendar
        sessions = None
    if sessions is None:
        return ExcludedTreatment(
            treatment=spec.code,
            name=spec.name,
            reasons=("The clinic has no open day on which these sessions could be booked.",),
        )
    if any(s.treatments_in_visit > 1 for s in sessions):
        warnings.append(
            f"More than {spec.max_units_per_round} {spec.unit_plural} at once need a second "
            "treatment in the same visit, so those visits take longer."
        )
    cost = course_cost(
        spec=spec, area_plans=area_plans, session_count=len(sessions), catalog=catalog
    )

    # Score: suitability first, then fit to preferences.
    score = 0
    reasons: list[str] = []
    for rule in catalog.suitability_rules:
        if rule.treatment != spec.code or rule.points == 0:
            continue
        matching = [a for a in areas if rule.factor in area_factors(a)]
        if matching:
            score += rule.points
            names = ", ".join(_lower(catalog.area_name(a.area)) for a in matching)
            reasons.append(f"{rule.reason} ({names}; {_points(rule.points)}).")
    if (
        preferences.max_downtime_days is not None
        and spec.downtime_days > preferences.max_downtime_days
    ):
        score -= DOWNTIME_PENALTY
        note = f" of {spec.downtime_note}" if spec.downtime_note else ""
        text = (
            f"About {_count(spec.downtime_days, 'day')}{note} after each session, more than the "
            f"{_count(preferences.max_downtime_days, 'day')} you can allow"
        )
        warnings.append(text + ".")
        reasons.append(f"{text} ({_points(-DOWNTIME_PENALTY)}).")
    if preferences.budget is not None and cost.total > preferences.budget:
        score -= BUDGET_PENALTY
        plans = cost.payment_plans
        offer = ""
        if plans:
            longest = max(plans, key=lambda p: p.months)
            months = ", ".join(str(p.months) for p in plans)
            offer = (
                f" After a deposit of {format_money(cost.deposit, catalog.currency)}, it can be "
                f"paid in {months} monthly instalments (from "
                f"{format_money(longest.monthly, catalog.currency)} a month, 0% interest)."
            )
        warnings.append(
            f"The total of {format_money(cost.total, catalog.currency)} is over your budget of "
            f"{format_money(preferences.budget, catalog.currency)}.{offer}"
        )
        reasons.append(f"Over your budget ({_points(-BUDGET_PENALTY)}).")
    if not reasons:
        reasons.append("No particular advantage or drawback for these areas (0 points).")

    _dedupe(warnings)
    return _Draft(
        spec=spec,
        score=score,
        reasons=reasons,
        warnings=warnings,
        area_plans=tuple(area_plans),
        sessions=sessions,
        cost=cost,
        results_from=results_from,
        final_results_by=final_results_by,
    )


def schedule_course(
    *,
    spec: TreatmentSpec,
    area_plans: Sequence[AreaPlan],
    start: date,
    closures: Closures,
) -> tuple[PlannedSession, ...] | None:
    """The visits for `area_plans` (units per session and session count per area), dated.

    Areas are packed into visits that fit the treatment's units per visit (an area that does
    not fit alone gets a visit of its own); each round of the course visits every group with
    an area still needing a session. Reusable for a provider's adjusted plan. None when the
    clinic has no open day.
    """
    groups = _pack(area_plans, spec.units_per_visit())
    course_rounds = max((p.sessions for p in area_plans), default=0)
    visit_groups: list[int] = []
    visit_areas: list[tuple[AreaPlan, ...]] = []
    for round_number in range(1, course_rounds + 1):
        for index, group in enumerate(groups):
            active = tuple(p for p in group if p.sessions >= round_number)
            if active:
                visit_groups.append(index)
                visit_areas.append(active)
    dates = schedule_dates(
        visits=visit_groups,
        start=start,
        min_interval_days=spec.min_interval_days,
        usual_interval_days=spec.usual_interval_days,
        closures=closures,
    )
    if dates is None:
        return None
    sessions = []
    for number, (day, active) in enumerate(zip(dates, visit_areas, strict=True), start=1):
        units = sum(p.units for p in active)
        rounds = max(1, -(-units // spec.max_units_per_round))
        sessions.append(
            PlannedSession(
                number=number,
                date=day,
                duration_minutes=spec.session_base_minutes
                + spec.minutes_per_unit * units
                + spec.minutes_per_round * rounds,
                areas=tuple(
                    SessionArea(area=p.area, units=p.units, unit=spec.unit) for p in active
                ),
                treatments_in_visit=rounds,
            )
        )
    return tuple(sessions)


def course_cost(
    *,
    spec: TreatmentSpec,
    area_plans: Sequence[AreaPlan],
    session_count: int,
    catalog: Catalog,
    extra_discount: ExtraDiscount | None = None,
) -> Cost:
    """One line item per area (units per session x sessions) at the treatment's price,
    priced with the catalog's course terms. Reusable for a provider's adjusted plan."""
    charges = [
        Charge(
            description=(
                f"{spec.name}, {_lower(catalog.area_name(p.area))}: "
                f"{_count(p.units, spec.unit, spec.unit_plural)} per session x "
                f"{_count(p.sessions, 'session')}"
            ),
            quantity=p.units * p.sessions,
            unit_price=spec.price_per_unit,
            unit=spec.unit,
        )
        for p in area_plans
    ]
    return price_course(
        charges=charges,
        session_count=session_count,
        settings=catalog.pricing,
        extra_discount=extra_discount,
    )


def check_area_plans(*, spec: TreatmentSpec, area_plans: Sequence[AreaPlan]) -> list[str]:
    """Problems with an adjusted course (sessions and units per area), as sentences; empty
    when it is within the treatment's limits."""
    problems = []
    if not area_plans:
        problems.append("A plan needs at least one area.")
    for p in area_plans:
        if not spec.min_sessions <= p.sessions <= spec.max_sessions:
            problems.append(
                f"{spec.name} takes {spec.min_sessions} to {spec.max_sessions} sessions; "
                f"{p.sessions} were planned for the {p.area.replace('_', ' ')}."
            )
        if p.units < 1:
            problems.append(f"The {p.area.replace('_', ' ')} needs at least 1 {spec.unit}.")
        elif p.units > spec.units_per_visit():
            problems.append(
                f"The {p.area.replace('_', ' ')} cannot take {p.units} {spec.unit_plural} in a "
                f"session; one visit allows {spec.units_per_visit()}."
            )
    return problems


def check_session_dates(
    *, spec: TreatmentSpec, sessions: Sequence[PlannedSession], closures: Closures
) -> list[str]:
    """Problems with (possibly moved) session dates, as sentences: a closed day, sessions out
    of order, or two sessions of one area closer than the treatment's minimum interval."""
    problems = []
    last_seen: dict[str, date] = {}
    previous: date | None = None
    for s in sessions:
        if not closures.is_open(s.date):
            problems.append(
                f"Session {s.number} falls on {s.date:%A %Y-%m-%d}, when the clinic is closed."
            )
        if previous is not None and s.date <= previous:
            problems.append(f"Session {s.number} must come after session {s.number - 1}.")
        for a in s.areas:
            before = last_seen.get(a.area)
            if before is not None and (s.date - before).days < spec.min_interval_days:
                problems.append(
                    f"Session {s.number} is {(s.date - before).days} days after the last one on the "
                    f"{a.area.replace('_', ' ')}; {spec.name} needs at least "
                    f"{spec.min_interval_days} days."
                )
            last_seen[a.area] = s.date
        previous = s.date
    return problems


def area_factors(area: AreaInput) -> frozenset[str]:
    """The suitability factors an area shows (DOMAIN.md "Ranking")."""
    factors = {f"{area.size}_area"}
    if area.skin_laxity in ("moderate", "severe"):
        factors.add(FACTOR_LOOSE_SKIN)
    factors.add(FACTOR_SOFT if area.consistency == "soft" else FACTOR_DENSE)
    return frozenset(factors)


def _pack(plans: Sequence[AreaPlan], capacity: int) -> list[tuple[AreaPlan, ...]]:
    """First-fit decreasing: areas grouped so each group's units fit one visit."""
    groups: list[list[AreaPlan]] = []
    for plan in sorted(plans, key=lambda p: -p.units):
        for group in groups:
            if sum(p.units for p in group) + plan.units <= capacity:
                group.append(plan)
                break
        else:
            groups.append([plan])
    order = {p.area: i for i, p in enumerate(plans)}
    return [tuple(sorted(g, key=lambda p: order[p.area])) for g in groups]


def _dedupe(items: list[str]) -> None:
    seen: set[str] = set()
    items[:] = [i for i in items if not (i in seen or seen.add(i))]


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _num(value: Decimal | int) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def _lower(name: str) -> str:
    return name[:1].lower() + name[1:]


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def _points(points: int) -> str:
    return f"{points:+d} point" + ("" if abs(points) == 1 else "s")
