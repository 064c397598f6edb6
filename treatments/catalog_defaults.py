"""The catalog's default contents, transcribed from shared/DOMAIN.md.

Plain data, no Django: `treatments.seed.seed_catalog` writes it to the database (the data
migration), and `default_catalog()` turns it into the engine's snapshot for database-free
tests. Clinics change these numbers in the admin; the engine reads the database.
"""

from __future__ import annotations

from decimal import Decimal

from treatments.planning import (
    EXCLUDE,
    FACTOR_DENSE,
    FACTOR_LARGE,
    FACTOR_LOOSE_SKIN,
    FACTOR_SMALL,
    FACTOR_SOFT,
    WARN,
    Catalog,
    ConditionRule,
    SuitabilityRule,
    TreatmentSpec,
)
from treatments.pricing import PricingSettings

INJECTION = "deoxycholic_injection"
CRYO = "cryolipolysis"
LASER = "laser_lipolysis"

ALL_AREAS = (
    "upper_back",
    "bra_line",
    "lower_back",
    "flanks",
    "abdomen",
    "upper_arms",
    "inner_thighs",
    "outer_thighs",
    "submental",
)

TREATMENTS: list[dict] = [
    {
        "code": INJECTION,
        "name": "Fat-dissolving injections (deoxycholic acid)",
        "sort_order": 1,
        "how_it_works": "Destroys fat-cell membranes; the body clears the cells.",
        "unit": "vial",
        "unit_plural": "vials",
        "unit_description": "vial (2 mL, 10 mg/mL)",
        "price_per_unit": Decimal("600.00"),
        "units_small": 1,
        "units_medium": 2,
        "units_large": 4,
        "max_units_per_round": 5,
        "max_rounds_per_visit": 1,
        "session_base_minutes": 30,
        "minutes_per_unit": 0,
        "minutes_per_round": 0,
        "min_sessions": 2,
        "max_sessions": 6,
        "min_interval_days": 28,
        "usual_interval_days": 30,
        "reduction_percent": Decimal("20"),
        "min_pinch_mm": Decimal("10"),
        "bmi_limit": None,
        "bmi_limit_submental": None,
        "downtime_days": 7,
        "downtime_note": "swelling and bruising",
        "first_results_weeks": 4,
        "final_results_weeks": 6,
        "side_effects": (
            "Swelling (most patients, about a week), bruising, pain, numbness (weeks), "
            "redness, firmness."
        ),
        "serious_risks": "Skin ulceration or necrosis, nerve injury, hair loss at the site, scarring.",
        "cleared_areas": ["submental"],
        "regulatory_note": (
            "It is approved only for fat under the chin; using it elsewhere, such as the back, "
            "is off-label."
        ),
        "aftercare": (
            "Ice as needed for 24-48 hours; no massage; expect swelling for about a week; "
            "no heavy workouts for 24-48 hours; drink plenty of water."
        ),
    },
    {
        "code": CRYO,
        "name": "Cryolipolysis (fat freezing)",
        "sort_order": 2,
        "how_it_works": "Cold crystallises fat cells, which die and are cleared over weeks.",
        "unit": "cycle",
        "unit_plural": "cycles",
        "unit_description": "applicator cycle",
        "price_per_unit": Decimal("750.00"),
        "units_small": 1,
        "units_medium": 2,
        "units_large": 4,
        "max_units_per_round": 8,
        "max_rounds_per_visit": 1,
        "session_base_minutes": 15,
        "minutes_per_unit": 35,
        "minutes_per_round": 0,
        "min_sessions": 1,
        "max_sessions": 3,
        "min_interval_days": 42,
        "usual_interval_days": 56,
        "reduction_percent": Decimal("20"),
        "min_pinch_mm": Decimal("10"),
        "bmi_limit": Decimal("30"),
        "bmi_limit_submental": Decimal("46.2"),
        "downtime_days": 0,
        "downtime_note": "",
        "first_results_weeks": 4,
        "final_results_weeks": 12,
        "side_effects": (
            "Numbness (about half of patients, 1-8 weeks), redness, swelling, tenderness, cramping."
        ),
        "serious_risks": (
            "Paradoxical adipose hyperplasia (the treated fat grows 2-5 months later and needs "
            "surgery: about 1 in 3,000 treatments by the manufacturer's figure, 0.2-0.7% of "
            "patients in independent series), freeze burn, late-onset pain."
        ),
        "cleared_areas": list(ALL_AREAS),
        "regulatory_note": (
            "Cleared for bra fat, back fat, flanks, abdomen, thighs, upper arms and under the chin."
        ),
        "aftercare": (
            "Massage the area; resume normal activity; no heavy workouts for 24-48 hours; "
            "drink plenty of water."
        ),
    },
    {
        "code": LASER,
        "name": "Laser lipolysis (1060 nm)",
        "sort_order": 3,
        "how_it_works": (
            "Heat (42-47 °C in the fat) destroys fat cells, with some skin tightening."
        ),
        "unit": "applicator",
        "unit_plural": "applicators",
        "unit_description": "applicator",
        "price_per_unit": Decimal("350.00"),
        "units_small": 1,
        "units_medium": 2,
        "units_large": 4,
        "max_units_per_round": 4,
        "max_rounds_per_visit": 2,
        "session_base_minutes": 0,
        "minutes_per_unit": 0,
        "minutes_per_round": 40,
        "min_sessions": 1,
        "max_sessions": 3,
        "min_interval_days": 42,
        "usual_interval_days": 42,
        "reduction_percent": Decimal("12"),
        "min_pinch_mm": Decimal("20"),
        "bmi_limit": Decimal("30"),
        "bmi_limit_submental": None,
        "downtime_days": 0,
        "downtime_note": "",
        "first_results_weeks": 6,
        "final_results_weeks": 12,
        "side_effects": "Tenderness and swelling (4-7 days), bruising, firmness for up to two months.",
        "serious_risks": "Burns, persistent nodules.",
        "cleared_areas": [
            "upper_back",
            "bra_line",
            "lower_back",
            "flanks",
            "abdomen",
            "inner_thighs",
            "outer_thighs",
            "submental",
        ],
        "regulatory_note": "Cleared for the abdomen, flanks, back, thighs and under the chin.",
        "aftercare": (
            "Resume normal activity; no heavy workouts for 24-48 hours; drink plenty of water."
        ),
    },
]

_PREGNANCY = "Not during pregnancy or breastfeeding: its safety has not been established."
_INFECTION = "Not while there is an infection or open wound at the treatment area."
_SKIN = "Eczema, dermatitis or a rash at the area should settle before treatment."
_SURGERY = "Surgery at the area in the last 6 months: the provider checks healing first."
_SENSATION = (
    "Numbness at the area means you may not feel {what}, so the provider watches the skin closely."
)

CONDITION_RULES: list[tuple[str, str, str, str]] = [
    # (condition, treatment, action, sentence)
    ("pregnancy", INJECTION, EXCLUDE, _PREGNANCY),
    ("pregnancy", CRYO, EXCLUDE, _PREGNANCY),
    ("pregnancy", LASER, EXCLUDE, _PREGNANCY),
    (
        "cryoglobulinemia",
        CRYO,
        EXCLUDE,
        "Cryoglobulinemia: cold can make proteins in the blood clump, so fat freezing is unsafe.",
    ),
    (
        "cold_agglutinin_disease",
        CRYO,
        EXCLUDE,
        "Cold agglutinin disease: cold can destroy red blood cells, so fat freezing is unsafe.",
    ),
    (
        "paroxysmal_cold_hemoglobinuria",
        CRYO,
        EXCLUDE,
        "Paroxysmal cold hemoglobinuria: cold can destroy red blood cells, so fat freezing is "
        "unsafe.",
    ),
    (
        "raynauds",
        CRYO,
        WARN,
        "Raynaud's, cold urticaria or chilblains: cold may trigger a reaction; the provider "
        "discusses it first.",
    ),
    (
        "infection_at_site",
        INJECTION,
        EXCLUDE,
        "Not while there is an infection at the injection site (a label contraindication).",
    ),
    ("infection_at_site", CRYO, EXCLUDE, _INFECTION),
    ("infection_at_site", LASER, EXCLUDE, _INFECTION),
    ("skin_condition_at_site", INJECTION, WARN, _SKIN),
    ("skin_condition_at_site", CRYO, WARN, _SKIN),
    ("skin_condition_at_site", LASER, WARN, _SKIN),
    (
        "bleeding_disorder",
        INJECTION,
        WARN,
        "A bleeding or clotting disorder raises the risk of bruising and bleeding from the "
        "injections.",
    ),
    (
        "bleeding_disorder",
        CRYO,
        WARN,
        "A bleeding or clotting disorder raises the risk of bruising from the applicator's "
        "suction.",
    ),
    (
        "anticoagulants",
        INJECTION,
        WARN,
        "Blood thinners raise the risk of bruising and hematoma (a collection of blood) at the "
        "injection sites.",
    ),
    (
        "deoxycholic_acid_allergy",
        INJECTION,
        EXCLUDE,
        "An allergy to deoxycholic acid or an ingredient of the injection.",
    ),
    (
        "hernia_at_site",
        CRYO,
        EXCLUDE,
        "A known or suspected hernia at or near the area: the applicator's suction could worsen "
        "it.",
    ),
    (
        "hernia_at_site",
        LASER,
        EXCLUDE,
        "A known or suspected hernia at or near the area: it must not be heated.",
    ),
    ("recent_surgery_at_site", INJECTION, WARN, _SURGERY),
    ("recent_surgery_at_site", CRYO, WARN, _SURGERY),
    ("recent_surgery_at_site", LASER, WARN, _SURGERY),
    ("impaired_sensation_at_site", CRYO, WARN, _SENSATION.format(what="too much cold")),
    (
        "impaired_sensation_at_site",
        LASER,
        WARN,
        _SENSATION.format(what="too much heat"),
    ),
    (
        "implanted_device_at_site",
        LASER,
        EXCLUDE,
        "A metal implant or electronic device under the area could heat up (clinic policy).",
    ),
    (
        "isotretinoin_recent",
        LASER,
        WARN,
        "Isotretinoin in the last 6 months makes skin slower to heal after heat.",
    ),
    (
        "photosensitizing_medication",
        LASER,
        WARN,
        "A photosensitising medicine can make the skin react to the laser's light.",
    ),
]

SUITABILITY_RULES: list[tuple[str, str, int, str]] = [
    # (treatment, factor, points, reason)
    (LASER, FACTOR_LOOSE_SKIN, 2, "Loose skin: the laser's heat also tightens skin"),
    (
        CRYO,
        FACTOR_LOOSE_SKIN,
        -1,
        "Loose skin: removing fat under loose skin can leave it looser",
    ),
    (
        INJECTION,
        FACTOR_LOOSE_SKIN,
        -1,
        "Loose skin: removing fat under loose skin can leave it looser",
    ),
    (
        INJECTION,
        FACTOR_SMALL,
        2,
        "Small pocket: injections are precise for small pockets",
    ),
    (
        LASER,
        FACTOR_SMALL,
        -1,
        "Small pocket: the laser's applicators suit larger areas",
    ),
    (LASER, FACTOR_LARGE, 2, "Large area: the laser treats a whole region at once"),
    (CRYO, FACTOR_LARGE, 1, "Large area: fat freezing covers large areas well"),
    (
        INJECTION,
        FACTOR_LARGE,
        -2,
        "Large area: only a limited volume can be injected in one session",
    ),
    (
        INJECTION,
        FACTOR_DENSE,
        2,
        "Firm or fibrous fat: injections work well on dense fat",
    ),
    (
        CRYO,
        FACTOR_DENSE,
        -1,
        "Firm or fibrous fat: the applicator draws up soft tissue best",
    ),
    (CRYO, FACTOR_SOFT, 1, "Soft fat: the applicator draws it up well"),
]

SETTINGS: dict = {
    "course_discount_percent": Decimal("10"),
    "course_discount_min_sessions": 3,
    "deposit_percent": Decimal("20"),
    "payment_plan_months": "3,6,12",
    "default_goal_pinch_mm": Decimal("20"),
    "weight_loss_warning_bmi": Decimal("30"),
    "closed_weekdays": "6",  # Monday 0 .. Sunday 6
}

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
