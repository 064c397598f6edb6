"""The catalog as first seeded (the data migrations' frozen data, `migrations/_seed.py`),
turned into the engine's snapshot for database-free tests, and the treatment fields that make
an engine `TreatmentSpec`. Clinics change the numbers in the admin; the engine reads the
database.
"""

from __future__ import annotations

from treatments.catalog.migrations._seed import (
    ALL_AREAS,
    CONDITION_RULES,
    CRYO,
    INJECTION,
    LASER,
    SETTINGS,
    SUITABILITY_RULES,
    TREATMENTS,
)
from treatments.engine.planning import Catalog, ConditionRule, SuitabilityRule, TreatmentSpec
from treatments.engine.pricing import PricingSettings

AREA_NAMES = {
    "upper_back": "Upper back",
    "bra_line": "Bra line",
    "lower_back": "Lower back",
    "flanks": "Flanks",
    "abdomen": "Abdomen",
    "upper_arms": "Upper arms",
    "inner_thighs": "Inner thighs",
    "outer_thighs": "Outer thighs",
    "submental": "Under the chin (submental)",
}

SPEC_FIELDS = (
    "code",
    "name",
    "unit",
    "unit_plural",
    "price_per_unit",
    "units_small",
    "units_medium",
    "units_large",
    "max_units_per_round",
    "max_rounds_per_visit",
    "session_base_minutes",
    "minutes_per_unit",
    "minutes_per_round",
    "min_sessions",
    "max_sessions",
    "min_interval_days",
    "usual_interval_days",
    "reduction_percent",
    "min_pinch_mm",
    "bmi_limit",
    "bmi_limit_submental",
    "downtime_days",
    "first_results_weeks",
    "final_results_weeks",
    "regulatory_note",
    "downtime_note",
    "aftercare",
)


def parse_int_list(text: str) -> tuple[int, ...]:
    """ "3, 6,12" -> (3, 6, 12); blanks ignored."""
    return tuple(int(part) for part in text.replace(" ", "").split(",") if part)


def default_catalog() -> Catalog:
    """The DOMAIN.md catalog as an engine snapshot, without a database."""
    return Catalog(
        treatments=tuple(
            TreatmentSpec(
                **{f: t[f] for f in SPEC_FIELDS},
                cleared_areas=frozenset(t["cleared_areas"]),
            )
            for t in TREATMENTS
        ),
        condition_rules=tuple(ConditionRule(*rule) for rule in CONDITION_RULES),
        suitability_rules=tuple(SuitabilityRule(*rule) for rule in SUITABILITY_RULES),
        area_names=dict(AREA_NAMES),
        pricing=PricingSettings(
            course_discount_percent=SETTINGS["course_discount_percent"],
            course_discount_min_sessions=SETTINGS["course_discount_min_sessions"],
            deposit_percent=SETTINGS["deposit_percent"],
            payment_plan_months=parse_int_list(SETTINGS["payment_plan_months"]),
        ),
        default_goal_pinch_mm=SETTINGS["default_goal_pinch_mm"],
        weight_loss_warning_bmi=SETTINGS["weight_loss_warning_bmi"],
    )


__all__ = [
    "ALL_AREAS",
    "AREA_NAMES",
    "CONDITION_RULES",
    "CRYO",
    "INJECTION",
    "LASER",
    "SPEC_FIELDS",
    "default_catalog",
]
