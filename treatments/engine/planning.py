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

from treatments.engine import geometry
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
    # The treatment map: "" (units from the size table), "injection_grid" or "applicators".
    map_kind: str = ""
    grid_spacing_cm: Decimal = Decimal("1")
    dose_ml_per_site: Decimal = Decimal("0.2")
    ml_per_unit: Decimal = Decimal("2")
    max_sites_per_session: int = 50
    max_ml_per_session: Decimal = Decimal("10")

    def grid_rules(self) -> geometry.GridRules:
        return geometry.GridRules(
            spacing_cm=self.grid_spacing_cm,
            ml_per_site=self.dose_ml_per_site,
            ml_per_unit=self.ml_per_unit,
            max_sites_per_session=self.max_sites_per_session,
            max_ml_per_session=self.max_ml_per_session,
        )

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
class ApplicatorSpec:
    """An applicator type from the catalog: one placement is one unit of its treatment."""

    code: str
    name: str
    treatment: str
    width_cm: Decimal
    height_cm: Decimal
    cycle_minutes: int
    price_per_cycle: Decimal


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
    applicators: tuple[ApplicatorSpec, ...] = ()

    def area_name(self, code: str) -> str:
        return self.area_names.get(code, code.replace("_", " ").capitalize())

    def applicator(self, code: str) -> ApplicatorSpec | None:
        return next((a for a in self.applicators if a.code == code), None)

    def footprint(self, placed: PlacedApplicator) -> geometry.Placement | None:
        """A placement with its applicator's footprint; None for an unknown applicator."""
        spec = self.applicator(placed.applicator)
        if spec is None:
            return None
        return geometry.Placement(
            placed.applicator, placed.x, placed.y, float(spec.width_cm), float(spec.height_cm)
        )


@dataclass(frozen=True)
class Closures:
    """Days the clinic is closed: weekdays (Monday 0 .. Sunday 6) and single dates."""

    weekdays: frozenset[int] = frozenset({6})
    dates: frozenset[date] = frozenset()

    def is_open(self, day: date) -> bool:
        return day.weekday() not in self.weekdays and day not in self.dates


BMI_PLACES = Decimal("0.1")


def bmi(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    """Body mass index, weight / height² (kg/m²), rounded once to one decimal, half up.

    The one BMI of the codebase: the assessment page shows it and the engine compares it, so
    what a provider reads is what the rules used. 120.2 kg at 200 cm is 30.05 exactly, hence
    30.1 (over a limit of 30); rounding half-even or via float would show 30.0 instead.
    Exact decimal arithmetic throughout; ints are accepted as whole numbers. Raises
    ValueError for a height that is not positive.
    """
    height = Decimal(height_cm)
    if height <= 0:
        raise ValueError(f"A BMI needs a positive height, not {height_cm} cm.")
    metres = height / 100
    return (Decimal(weight_kg) / (metres * metres)).quantize(BMI_PLACES, rounding=ROUND_HALF_UP)


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
        """The patient's BMI as `bmi()` gives it: the value every limit is compared with."""
        return bmi(self.height_cm, self.weight_kg)


@dataclass(frozen=True)
class PlacedApplicator:
    """An applicator placed on the treatment map: its type's code and its centre (cm)."""

    applicator: str
    x: float
    y: float


@dataclass(frozen=True)
class AreaInput:
    area: str
    pinch_mm: Decimal
    size: str
    consistency: str = "soft"
    skin_laxity: str = "none"
    # The treatment map: the zone's outline on the diagram (cm) and the applicators placed.
    zone: tuple[geometry.Point, ...] = ()
    placements: tuple[PlacedApplicator, ...] = ()


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
class MapCharge:
    """Units the map gives for one treatment of the whole zone, at one price: the vials of
    its injection grid, or the placements of one applicator type."""

    label: str  # "vials", "Large vacuum cup"
    units_per_round: int
    unit_price: Decimal
    minutes_each: int = 0  # the applicator's cycle (0: the treatment's own timing)


@dataclass(frozen=True)
class AreaPlan:
    """How one area is treated: `units` per session for `sessions` sessions.

    With a treatment map, `charges` price one treatment of the whole zone, which takes
    `split` sessions when it is more than one session allows, and `explanation` says how
    the map gave the units ("42 injection sites, 8.4 mL: 5 vials").
    """

    area: str
    units: int
    sessions: int
    expected_pinch_mm: Decimal  # after those sessions, by the planning assumption
    explanation: str = ""
    charges: tuple[MapCharge, ...] = ()
    split: int = 1


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
    patient_bmi = patient.bmi

    drafts: list[_Draft] = []
    excluded: list[ExcludedTreatment] = []
    for spec in catalog.treatments:
        outcome = _consider(
            spec, patient, patient_bmi, areas, preferences, catalog, closures, goal, earliest
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
        bmi=patient_bmi,
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
    patient_bmi: Decimal,
    areas: Sequence[AreaInput],
    preferences: Preferences,
    catalog: Catalog,
    closures: Closures,
    goal: Decimal,
    earliest: date,
) -> _Draft | ExcludedTreatment:
    """One treatment for this patient: excluded with every reason, or a scored draft.

    The rules run in the order a provider reasons: can this treatment be given at all
    (exclusions), what should the patient know (warnings), how much per area (area plans),
    when (visits), and how well it fits (score). `patient_bmi` is the patient's BMI as
    `bmi()` rounds it; every limit is compared against that one rounded number.
    """
    exclusions = _exclusions(spec, patient, patient_bmi, areas, catalog)
    if exclusions:
        return ExcludedTreatment(treatment=spec.code, name=spec.name, reasons=tuple(exclusions))

    warnings = _condition_sentences(spec, patient, catalog, excluding=False)
    warnings += _patient_warnings(spec, patient, patient_bmi, areas, catalog)
    area_plans, goal_warnings = _area_plans(spec, areas, catalog, goal)
    warnings += goal_warnings
    warnings += _split_visit_warnings(spec, area_plans)
    course = _dated_course(spec, area_plans, earliest, closures)
    if course is None:
        return ExcludedTreatment(
            treatment=spec.code,
            name=spec.name,
            reasons=("The clinic has no open day on which these sessions could be booked.",),
        )
    sessions, results_from, final_results_by = course
    warnings += _second_treatment_warnings(spec, sessions)
    cost = course_cost(
        spec=spec, area_plans=area_plans, session_count=len(sessions), catalog=catalog
    )
    score, reasons, fit_warnings = _score(spec, areas, preferences, catalog, cost)
    warnings += fit_warnings

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


# --- Exclusions: reasons a treatment cannot be offered at all ------------------------------


def _exclusions(
    spec: TreatmentSpec,
    patient: PatientFacts,
    patient_bmi: Decimal,
    areas: Sequence[AreaInput],
    catalog: Catalog,
) -> list[str]:
    """Every reason to exclude `spec`, each once, patient-wide reasons before area ones.

    All of them are collected (not just the first) so the patient and provider see at once
    everything that stands in the way.
    """
    exclusions = [
        *_too_young(patient),
        *_condition_sentences(spec, patient, catalog, excluding=True),
        *_over_bmi_limit(spec, patient_bmi, areas, catalog),
        *_too_thin(spec, areas, catalog),
        *_too_many_units(spec, areas, catalog),
        *_map_exclusions(spec, areas, catalog),
    ]
    _dedupe(exclusions)
    return exclusions


def _too_young(patient: PatientFacts) -> list[str]:
    """Minors are never treated: every treatment here is for adults only (DOMAIN.md)."""
    if patient.age < ADULT_AGE:
        return [
            f"The patient is {patient.age}: these treatments are for adults (18 or older) only."
        ]
    return []


def _condition_sentences(
    spec: TreatmentSpec, patient: PatientFacts, catalog: Catalog, *, excluding: bool
) -> list[str]:
    """The catalog's sentences for the patient's conditions on `spec`: the excluding rules'
    when `excluding`, else the rest (warnings).

    The clinic decides in the catalog which condition excludes or warns; the engine only
    reads the rules, in catalog order, so the same condition reads the same everywhere.
    """
    return [
        rule.sentence
        for rule in catalog.condition_rules
        if rule.treatment == spec.code
        and rule.condition in patient.conditions
        and (rule.action == EXCLUDE) is excluding
    ]


def _over_bmi_limit(
    spec: TreatmentSpec, patient_bmi: Decimal, areas: Sequence[AreaInput], catalog: Catalog
) -> list[str]:
    """A BMI above the treatment's limit for an area excludes it (device clearances are for
    BMI 30 or less; the chin may have its own limit).

    `patient_bmi` is the one-decimal BMI from `bmi()`, and it is compared as rounded: a BMI
    shown as 30.0 is at a limit of 30 (allowed), 30.1 is over it (200 cm, 120.2 kg). Areas
    over the same limit share one sentence so the patient reads the number once.
    """
    over_limit: dict[Decimal, list[str]] = {}
    for area in areas:
        limit = spec.bmi_limit_for(area.area)
        if limit is not None and patient_bmi > limit:
            over_limit.setdefault(limit, []).append(_lower(catalog.area_name(area.area)))
    return [
        f"A BMI of {_num(patient_bmi)} is over the limit of {_num(limit)} for {spec.name} "
        f"on the {_join(names)}."
        for limit, names in over_limit.items()
    ]


def _too_thin(spec: TreatmentSpec, areas: Sequence[AreaInput], catalog: Catalog) -> list[str]:
    """A fat layer thinner than the treatment's minimum pinch cannot be treated safely (an
    applicator must draw up a fold; the laser spares the top centimetre or two)."""
    return [
        f"The fat layer on the {_lower(catalog.area_name(area.area))} "
        f"({_num(area.pinch_mm)} mm pinch) is thinner than the {_num(spec.min_pinch_mm)} mm "
        f"{spec.name} needs."
        for area in areas
        if area.pinch_mm < spec.min_pinch_mm
    ]


def _too_many_units(spec: TreatmentSpec, areas: Sequence[AreaInput], catalog: Catalog) -> list[str]:
    """An area that needs more units than one visit allows cannot be treated at all: areas
    can be split across visits, but a single area cannot."""
    per_visit = spec.units_per_visit()
    return [
        f"The {_lower(catalog.area_name(area.area))} needs {units} "
        f"{spec.unit_label(units)} in a session, more than the {per_visit} "
        f"one visit allows."
        for area in areas
        if map_units(spec, area, catalog) is None
        and (units := spec.units_for(area.size)) > per_visit
    ]


def _map_exclusions(spec: TreatmentSpec, areas: Sequence[AreaInput], catalog: Catalog) -> list[str]:
    """A mapped zone that cannot be treated: no injection site fits it, injecting every
    site once takes more sessions than allowed, or more applicators than one visit takes."""
    found = []
    for area in areas:
        mapped = map_units(spec, area, catalog)
        if mapped is not None and mapped.exclusion:
            found.append(mapped.exclusion)
    return found


# --- Warnings: what the patient should know about an eligible treatment --------------------


def _patient_warnings(
    spec: TreatmentSpec,
    patient: PatientFacts,
    patient_bmi: Decimal,
    areas: Sequence[AreaInput],
    catalog: Catalog,
) -> list[str]:
    """Warnings from the patient's facts and the areas chosen, in the order DOMAIN.md lists
    them: weight loss, stable weight, loose skin, off-label use."""
    return [
        *_weight_loss_warning(patient_bmi, catalog),
        *_unstable_weight_warning(patient),
        *_loose_skin_warning(areas),
        *_off_label_warnings(spec, areas, catalog),
    ]


def _weight_loss_warning(patient_bmi: Decimal, catalog: Catalog) -> list[str]:
    """Above the catalog's BMI threshold, say plainly that this is not weight loss, so no one
    expects a lower weight from a local fat treatment.

    Compared, like the limits, on the one-decimal `patient_bmi`: 30.1 warns over 30, 30.0
    does not.
    """
    if patient_bmi > catalog.weight_loss_warning_bmi:
        return [
            f"With a BMI of {_num(patient_bmi)}, know that this treatment reduces fat in one area; "
            "it is not a weight-loss treatment."
        ]
    return []


def _unstable_weight_warning(patient: PatientFacts) -> list[str]:
    """Fat cells that remain grow again with weight gain: results last only at a stable
    weight."""
    if not patient.weight_stable:
        return [
            "Your weight has not been stable for the last 6 months: results last only if "
            "your weight stays stable."
        ]
    return []


def _loose_skin_warning(areas: Sequence[AreaInput]) -> list[str]:
    """Removing fat under very loose skin does not tighten it; marked laxity limits every
    non-surgical option, so every treatment says so (ranking still favours the laser)."""
    if any(a.skin_laxity == "severe" for a in areas):
        return [
            "Your skin is very loose: removing fat will not tighten it, and a surgeon's "
            "opinion may serve you better."
        ]
    return []


def _off_label_warnings(
    spec: TreatmentSpec, areas: Sequence[AreaInput], catalog: Catalog
) -> list[str]:
    """Using a treatment on an area it is not approved or cleared for must be disclosed
    (deoxycholic acid is approved only under the chin). No cleared areas: no warning."""
    if not spec.cleared_areas:
        return []
    note = f" {spec.regulatory_note}" if spec.regulatory_note else ""
    return [
        f"Off-label use: {spec.name} is not approved for the "
        f"{_lower(catalog.area_name(area.area))}.{note}"
        for area in areas
        if area.area not in spec.cleared_areas
    ]


# --- Area plans: units and sessions per area ----------------------------------------------


def _area_plans(
    spec: TreatmentSpec, areas: Sequence[AreaInput], catalog: Catalog, goal: Decimal
) -> tuple[list[AreaPlan], list[str]]:
    """Each area's units per session and number of sessions, with the warnings about its
    goal, in the order of the areas."""
    plans: list[AreaPlan] = []
    warnings: list[str] = []
    for area in areas:
        plan, warning = _area_plan(spec, area, catalog, goal)
        plans.append(plan)
        warnings.extend(warning)
    return plans, warnings


def _area_plan(
    spec: TreatmentSpec, area: AreaInput, catalog: Catalog, goal: Decimal
) -> tuple[AreaPlan, list[str]]:
    """Sessions for one area: the fewest that bring its pinch to the goal at the treatment's
    reduction per session, within the treatment's limits.

    A warning says when there is little to remove (already at the goal) or when even the
    most sessions fall short, so the patient's expectations match the plan.
    """
    name = _lower(catalog.area_name(area.area))
    mapped = map_units(spec, area, catalog)
    split = mapped.split if mapped else 1
    n, reached = sessions_needed(
        pinch_mm=area.pinch_mm,
        goal_mm=goal,
        reduction_percent=spec.reduction_percent,
        min_sessions=spec.min_sessions,
        max_sessions=spec.max_sessions,
    )
    warnings: list[str] = list(mapped.warnings) if mapped else []
    if n * split > spec.max_sessions:
        fit = max(1, spec.max_sessions // split)
        warnings.append(
            f"Each treatment of the {name} takes {_count(split, 'session')}, so only "
            f"{_count(fit, 'treatment')} of the zone fit the {spec.max_sessions} sessions "
            f"allowed ({n} would be needed for the goal)."
        )
        n, reached = fit, False
    expected = expected_pinch(area.pinch_mm, spec.reduction_percent, n)
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
            f"(about {_num(expected)} mm)."
        )
    plan = AreaPlan(
        area=area.area,
        units=mapped.units if mapped else spec.units_for(area.size),
        sessions=n * split,
        expected_pinch_mm=expected,
        explanation=mapped.explanation if mapped else "",
        charges=mapped.charges if mapped else (),
        split=split,
    )
    return plan, warnings


# --- Visits: how the units are spread over visits and dates --------------------------------


def _split_visit_warnings(spec: TreatmentSpec, area_plans: Sequence[AreaPlan]) -> list[str]:
    """Areas that do not fit one visit together are packed into several visits per round;
    the patient should know each round means more trips."""
    groups = _pack(area_plans, spec.units_per_visit())
    if len(groups) > 1:
        return [
            f"All areas together need more {spec.unit_plural} than one visit allows "
            f"({spec.units_per_visit()}), so each round is split across {len(groups)} visits."
        ]
    return []


def _dated_course(
    spec: TreatmentSpec, area_plans: Sequence[AreaPlan], earliest: date, closures: Closures
) -> tuple[tuple[PlannedSession, ...], date, date] | None:
    """The dated sessions with when results show first and in full, or None when they cannot
    be dated: the clinic has no open day, or the dates run off the end of the calendar."""
    try:
        sessions = schedule_course(
            spec=spec, area_plans=area_plans, start=earliest, closures=closures
        )
        if sessions is None:
            return None
        results_from = sessions[0].date + timedelta(weeks=spec.first_results_weeks)
        final_results_by = sessions[-1].date + timedelta(weeks=spec.final_results_weeks)
    except OverflowError:  # a start date at the end of the calendar
        return None
    return sessions, results_from, final_results_by


def _second_treatment_warnings(
    spec: TreatmentSpec, sessions: Sequence[PlannedSession]
) -> list[str]:
    """More units than the device treats at once mean a second treatment in the same visit,
    so the patient should plan for a longer visit."""
    if any(s.treatments_in_visit > 1 for s in sessions):
        return [
            f"More than {spec.max_units_per_round} {spec.unit_plural} at once need a second "
            "treatment in the same visit, so those visits take longer."
        ]
    return []


# --- Score: suitability first, then fit to preferences -------------------------------------


@dataclass(frozen=True)
class _Points:
    """Points for or against a treatment, the reason shown for them, and a warning if the
    patient should be told too."""

    points: int
    reason: str
    warning: str = ""


def _score(
    spec: TreatmentSpec,
    areas: Sequence[AreaInput],
    preferences: Preferences,
    catalog: Catalog,
    cost: Cost,
) -> tuple[int, list[str], list[str]]:
    """The treatment's score, every point explained (DOMAIN.md "Ranking"), and the warnings
    the preferences raise: suitability for the areas first, then downtime, then budget.

    Returns (score, reasons, warnings). A treatment with no points says so, so every option
    carries at least one reason.
    """
    scored = [
        *_suitability_points(spec, areas, catalog),
        *_downtime_points(spec, preferences),
        *_budget_points(preferences, catalog, cost),
    ]
    reasons = [p.reason for p in scored]
    if not reasons:
        reasons.append("No particular advantage or drawback for these areas (0 points).")
    return sum(p.points for p in scored), reasons, [p.warning for p in scored if p.warning]


def _suitability_points(
    spec: TreatmentSpec, areas: Sequence[AreaInput], catalog: Catalog
) -> list[_Points]:
    """The catalog's suitability rules for `spec` that some area matches, once per rule
    however many areas match, naming those areas. Zero-point rules are not worth a line."""
    found: list[_Points] = []
    for rule in catalog.suitability_rules:
        if rule.treatment != spec.code or rule.points == 0:
            continue
        matching = [a for a in areas if rule.factor in area_factors(a)]
        if matching:
            names = ", ".join(_lower(catalog.area_name(a.area)) for a in matching)
            found.append(_Points(rule.points, f"{rule.reason} ({names}; {_points(rule.points)})."))
    return found


def _downtime_points(spec: TreatmentSpec, preferences: Preferences) -> list[_Points]:
    """More downtime than the patient can allow costs points and a warning: the patient has
    said it would not fit their life."""
    allowed = preferences.max_downtime_days
    if allowed is None or spec.downtime_days <= allowed:
        return []
    note = f" of {spec.downtime_note}" if spec.downtime_note else ""
    text = (
        f"About {_count(spec.downtime_days, 'day')}{note} after each session, more than the "
        f"{_count(allowed, 'day')} you can allow"
    )
    return [_Points(-DOWNTIME_PENALTY, f"{text} ({_points(-DOWNTIME_PENALTY)}).", text + ".")]


def _budget_points(preferences: Preferences, catalog: Catalog, cost: Cost) -> list[_Points]:
    """A total over the patient's budget costs a point and a warning, which offers the
    payment plans so the treatment stays within reach."""
    budget = preferences.budget
    if budget is None or cost.total <= budget:
        return []
    warning = (
        f"The total of {format_money(cost.total, catalog.currency)} is over your budget of "
        f"{format_money(budget, catalog.currency)}.{_payment_plan_offer(cost, catalog)}"
    )
    return [_Points(-BUDGET_PENALTY, f"Over your budget ({_points(-BUDGET_PENALTY)}).", warning)]


def _payment_plan_offer(cost: Cost, catalog: Catalog) -> str:
    """The sentence offering the course's payment plans ("" when there are none)."""
    plans = cost.payment_plans
    if not plans:
        return ""
    longest = max(plans, key=lambda p: p.months)
    months = ", ".join(str(p.months) for p in plans)
    return (
        f" After a deposit of {format_money(cost.deposit, catalog.currency)}, it can be "
        f"paid in {months} monthly instalments (from "
        f"{format_money(longest.monthly, catalog.currency)} a month, 0% interest)."
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
                + sum(area_minutes(spec, p) for p in active)
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
    charges = [charge for p in area_plans for charge in _area_charges(spec, p, catalog)]
    return price_course(
        charges=charges,
        session_count=session_count,
        settings=catalog.pricing,
        extra_discount=extra_discount,
    )


def _area_charges(spec: TreatmentSpec, p: AreaPlan, catalog: Catalog) -> list[Charge]:
    """The area's line items: units per session x sessions at the treatment's price, or,
    from a map, each charge's units per treatment of the zone x treatments at its price."""
    area = _lower(catalog.area_name(p.area))
    if not p.charges:
        return [
            Charge(
                description=(
                    f"{spec.name}, {area}: {_count(p.units, spec.unit, spec.unit_plural)} "
                    f"per session x {_count(p.sessions, 'session')}"
                ),
                quantity=p.units * p.sessions,
                unit_price=spec.price_per_unit,
                unit=spec.unit,
            )
        ]
    rounds = -(-p.sessions // p.split)
    per = "per session" if p.split == 1 else f"per treatment of the zone ({p.split} sessions)"
    times = _count(p.sessions, "session") if p.split == 1 else _count(rounds, "treatment")
    return [
        Charge(
            description=(
                f"{spec.name}, {area}, from the map: "
                + (f"{c.label}, " if c.label != spec.unit_plural else "")
                + f"{_count(c.units_per_round, spec.unit, spec.unit_plural)} {per} x {times}"
            ),
            quantity=c.units_per_round * rounds,
            unit_price=c.unit_price,
            unit=spec.unit,
        )
        for c in p.charges
    ]


def area_minutes(spec: TreatmentSpec, p: AreaPlan) -> int:
    """The minutes an area's units add to a session: the treatment's minutes per unit, or,
    for a treatment timed by the unit, each placed applicator's own cycle length."""
    if p.charges and spec.minutes_per_unit:
        per_round = sum(c.minutes_each * c.units_per_round for c in p.charges)
        if per_round:
            return -(-per_round // p.split)
    return spec.minutes_per_unit * p.units


# --- The treatment map: units from the zone drawn on the body diagram ----------------------

MAP_INJECTION_GRID, MAP_APPLICATORS = "injection_grid", "applicators"


@dataclass(frozen=True)
class MapUnits:
    """What an area's map gives one treatment: units per session, how many sessions one
    treatment of the whole zone takes, its charges, and the sentence that explains them."""

    units: int
    split: int
    charges: tuple[MapCharge, ...]
    explanation: str
    warnings: tuple[str, ...] = ()
    exclusion: str = ""


def map_units(spec: TreatmentSpec, area: AreaInput, catalog: Catalog) -> MapUnits | None:
    """Units from the area's treatment map for `spec`; None when the map says nothing about
    this treatment (no map, or no applicator of it placed) and the size table applies."""
    if spec.map_kind == MAP_INJECTION_GRID and area.zone:
        return _grid_units(spec, area, catalog)
    if spec.map_kind == MAP_APPLICATORS:
        placed = [
            (applicator, footprint)
            for p in area.placements
            if (applicator := catalog.applicator(p.applicator)) is not None
            and applicator.treatment == spec.code
            and (footprint := catalog.footprint(p)) is not None
        ]
        if placed:
            return _applicator_units(spec, area, catalog, placed)
    return None


def _grid_units(spec: TreatmentSpec, area: AreaInput, catalog: Catalog) -> MapUnits:
    """Injection sites on the grid inside the zone, their volume and vials, split across
    sessions when they are more than one session allows."""
    rules = spec.grid_rules()
    dose = geometry.injection_dose(area.zone, rules)
    name = _lower(catalog.area_name(area.area))
    if not dose.site_count:
        return MapUnits(
            units=0,
            split=1,
            charges=(),
            explanation="",
            exclusion=(
                f"The zone drawn on the {name} is too small for one injection site "
                f"({_num(rules.spacing_cm)} cm apart)."
            ),
        )
    text = (
        f"{dose.site_count} injection sites, {_num(dose.ml)} mL: "
        f"{_count(dose.total_vials, spec.unit, spec.unit_plural)}"
    )
    split = dose.sessions_per_round
    exclusion = ""
    if split > 1:
        text += (
            f"; more than one session allows ({rules.max_sites_per_session} injections, "
            f"{_num(rules.max_ml_per_session)} mL), so each treatment of the zone is split "
            f"across {split} sessions of {_join([str(n) for n in dose.sessions])} sites"
        )
        if split > spec.max_sessions:
            exclusion = (
                f"The zone on the {name} has {dose.site_count} injection sites: injecting "
                f"each once takes {split} sessions, more than the {spec.max_sessions} allowed."
            )
    return MapUnits(
        units=dose.most_vials,
        split=split,
        charges=(MapCharge(spec.unit_plural, dose.total_vials, spec.price_per_unit),),
        explanation=text + ".",
        exclusion=exclusion,
    )


def _applicator_units(
    spec: TreatmentSpec,
    area: AreaInput,
    catalog: Catalog,
    placed: Sequence[tuple[ApplicatorSpec, geometry.Placement]],
) -> MapUnits:
    """One unit per placed applicator, priced and timed by its type; the zone's coverage,
    overlaps and uncovered part said in words."""
    name = _lower(catalog.area_name(area.area))
    counts: dict[str, int] = {}
    types: dict[str, ApplicatorSpec] = {}
    for applicator, _ in placed:
        counts[applicator.code] = counts.get(applicator.code, 0) + 1
        types[applicator.code] = applicator
    units = len(placed)
    kinds = ", ".join(
        f"{n} x {types[code].name} ({types[code].cycle_minutes} min)" for code, n in counts.items()
    )
    text = f"{_count(units, 'placement')} ({kinds}): {_count(units, spec.unit, spec.unit_plural)}"
    warnings: list[str] = []
    if area.zone:
        cover = geometry.coverage(area.zone, [footprint for _, footprint in placed])
        text += f"; {cover.covered_percent}% of the zone covered"
        if cover.uncovered_cm2:
            text += f", about {_num(Decimal(str(cover.uncovered_cm2)))} cm² uncovered"
        if cover.overlap_cm2:
            text += f", about {_num(Decimal(str(cover.overlap_cm2)))} cm² under two applicators"
            warnings.append(
                f"Applicators on the {name} overlap (about "
                f"{_num(Decimal(str(cover.overlap_cm2)))} cm²): that part is treated twice."
            )
    rounds = geometry.treatments_in_visit(units, spec.max_units_per_round)
    if rounds > 1:
        text += (
            f"; more than {spec.max_units_per_round} at once, so {rounds} treatments in the visit"
        )
    exclusion = ""
    if units > spec.units_per_visit():
        exclusion = (
            f"The {name} has {units} {spec.unit_plural} placed on the map, more than the "
            f"{spec.units_per_visit()} one visit allows."
        )
    return MapUnits(
        units=units,
        split=1,
        charges=tuple(
            MapCharge(types[code].name, n, types[code].price_per_cycle, types[code].cycle_minutes)
            for code, n in counts.items()
        ),
        explanation=text + ".",
        warnings=tuple(warnings),
        exclusion=exclusion,
    )


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
    """Drop repeated sentences in place, keeping the first of each in its position: two rules
    may say the same thing, and a patient should read it once."""
    items[:] = dict.fromkeys(items)


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
