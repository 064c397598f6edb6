"""The catalog as first seeded (the data migrations' frozen data, `migrations/_seed.py`),
turned into the engine's snapshot for database-free tests, and the treatment fields that make
an engine `TreatmentSpec`. Clinics change the numbers in the admin; the engine reads the
database.
"""

from __future__ import annotations

from treatments.catalog.migrations._applicator_seed import APPLICATORS, TREATMENT_MAPS
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
from treatments.engine.planning import (
    ApplicatorSpec,
    Catalog,
    ConditionRule,
    SuitabilityRule,
    TreatmentSpec,
)
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
    # The treatment map (migration 0011).
    "map_kind",
    "grid_spacing_cm",
    "dose_ml_per_site",
    "ml_per_unit",
    "max_sites_per_session",
    "max_ml_per_session",
)


def parse_int_list(text: str) -> tuple[int, ...]:
    """ "3, 6,12" -> (3, 6, 12); blanks ignored."""
    return tuple(int(part) for part in text.replace(" ", "").split(",") if part)


def default_catalog() -> Catalog:
    """The DOMAIN.md catalog as an engine snapshot, without a database."""
    return Catalog(
        treatments=tuple(
            TreatmentSpec(
                **{f: t[f] for f in SPEC_FIELDS if f in t},
                **TREATMENT_MAPS.get(t["code"], {}),
                cleared_areas=frozenset(t["cleared_areas"]),
            )
            for t in TREATMENTS
        ),
        applicators=tuple(
            ApplicatorSpec(
                code=code,
                name=name,
                treatment=treatment,
                width_cm=width,
                height_cm=height,
                cycle_minutes=minutes,
                price_per_cycle=price,
            )
            for code, treatment, name, width, height, minutes, price, _ in APPLICATORS
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
