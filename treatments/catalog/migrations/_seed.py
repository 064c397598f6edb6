"""The catalog as migrations 0002 and 0004 seed it, from shared/DOMAIN.md: frozen with them
(a leading underscore keeps the migration loader out), so later code changes never change
what an old migration writes. Each function takes an app registry so the data migrations
(historical models) and a test fixture after a flush (live models) can both call it; each is
idempotent."""

from decimal import Decimal

CONDITIONS = [
    ("pregnancy", "Pregnant or breastfeeding", ""),
    ("cryoglobulinemia", "Cryoglobulinemia", ""),
    ("cold_agglutinin_disease", "Cold agglutinin disease", ""),
    ("paroxysmal_cold_hemoglobinuria", "Paroxysmal cold hemoglobinuria", ""),
    ("raynauds", "Raynaud's phenomenon, cold urticaria or chilblains", ""),
    ("infection_at_site", "Infection or open wound at the treatment area", ""),
    ("skin_condition_at_site", "Eczema, dermatitis or rash at the treatment area", ""),
    ("bleeding_disorder", "A bleeding or clotting disorder", ""),
    ("anticoagulants", "Takes an anticoagulant or antiplatelet medicine", ""),
    ("deoxycholic_acid_allergy", "Allergy to deoxycholic acid or the formulation", ""),
    ("hernia_at_site", "Known or suspected hernia at or near the treatment area", ""),
    ("recent_surgery_at_site", "Surgery at the treatment area in the last 6 months", ""),
    (
        "impaired_sensation_at_site",
        "Numbness at the treatment area (cannot report pain, cold or heat)",
        "",
    ),
    (
        "implanted_device_at_site",
        "Metal implant or electronic device under the treatment area",
        "A clinic default, not a labelled contraindication.",
    ),
    ("isotretinoin_recent", "Took isotretinoin in the last 6 months", ""),
    ("photosensitizing_medication", "Takes a photosensitising medicine", ""),
]

BODY_AREAS = [
    ("upper_back", "Upper back"),
    ("bra_line", "Bra line"),
    ("lower_back", "Lower back"),
    ("flanks", "Flanks"),
    ("abdomen", "Abdomen"),
    ("upper_arms", "Upper arms"),
    ("inner_thighs", "Inner thighs"),
    ("outer_thighs", "Outer thighs"),
    ("submental", "Under the chin (submental)"),
]


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
    ("pregnancy", INJECTION, "exclude", _PREGNANCY),
    ("pregnancy", CRYO, "exclude", _PREGNANCY),
    ("pregnancy", LASER, "exclude", _PREGNANCY),
    (
        "cryoglobulinemia",
        CRYO,
        "exclude",
        "Cryoglobulinemia: cold can make proteins in the blood clump, so fat freezing is unsafe.",
    ),
    (
        "cold_agglutinin_disease",
        CRYO,
        "exclude",
        "Cold agglutinin disease: cold can destroy red blood cells, so fat freezing is unsafe.",
    ),
    (
        "paroxysmal_cold_hemoglobinuria",
        CRYO,
        "exclude",
        "Paroxysmal cold hemoglobinuria: cold can destroy red blood cells, so fat freezing is "
        "unsafe.",
    ),
    (
        "raynauds",
        CRYO,
        "warn",
        "Raynaud's, cold urticaria or chilblains: cold may trigger a reaction; the provider "
        "discusses it first.",
    ),
    (
        "infection_at_site",
        INJECTION,
        "exclude",
        "Not while there is an infection at the injection site (a label contraindication).",
    ),
    ("infection_at_site", CRYO, "exclude", _INFECTION),
    ("infection_at_site", LASER, "exclude", _INFECTION),
    ("skin_condition_at_site", INJECTION, "warn", _SKIN),
    ("skin_condition_at_site", CRYO, "warn", _SKIN),
    ("skin_condition_at_site", LASER, "warn", _SKIN),
    (
        "bleeding_disorder",
        INJECTION,
        "warn",
        "A bleeding or clotting disorder raises the risk of bruising and bleeding from the "
        "injections.",
    ),
    (
        "bleeding_disorder",
        CRYO,
        "warn",
        "A bleeding or clotting disorder raises the risk of bruising from the applicator's "
        "suction.",
    ),
    (
        "anticoagulants",
        INJECTION,
        "warn",
        "Blood thinners raise the risk of bruising and hematoma (a collection of blood) at the "
        "injection sites.",
    ),
    (
        "deoxycholic_acid_allergy",
        INJECTION,
        "exclude",
        "An allergy to deoxycholic acid or an ingredient of the injection.",
    ),
    (
        "hernia_at_site",
        CRYO,
        "exclude",
        "A known or suspected hernia at or near the area: the applicator's suction could worsen "
        "it.",
    ),
    (
        "hernia_at_site",
        LASER,
        "exclude",
        "A known or suspected hernia at or near the area: it must not be heated.",
    ),
    ("recent_surgery_at_site", INJECTION, "warn", _SURGERY),
    ("recent_surgery_at_site", CRYO, "warn", _SURGERY),
    ("recent_surgery_at_site", LASER, "warn", _SURGERY),
    ("impaired_sensation_at_site", CRYO, "warn", _SENSATION.format(what="too much cold")),
    (
        "impaired_sensation_at_site",
        LASER,
        "warn",
        _SENSATION.format(what="too much heat"),
    ),
    (
        "implanted_device_at_site",
        LASER,
        "exclude",
        "A metal implant or electronic device under the area could heat up (clinic policy).",
    ),
    (
        "isotretinoin_recent",
        LASER,
        "warn",
        "Isotretinoin in the last 6 months makes skin slower to heal after heat.",
    ),
    (
        "photosensitizing_medication",
        LASER,
        "warn",
        "A photosensitising medicine can make the skin react to the laser's light.",
    ),
]

SUITABILITY_RULES: list[tuple[str, str, int, str]] = [
    # (treatment, factor, points, reason)
    (LASER, "loose_skin", 2, "Loose skin: the laser's heat also tightens skin"),
    (
        CRYO,
        "loose_skin",
        -1,
        "Loose skin: removing fat under loose skin can leave it looser",
    ),
    (
        INJECTION,
        "loose_skin",
        -1,
        "Loose skin: removing fat under loose skin can leave it looser",
    ),
    (
        INJECTION,
        "small_area",
        2,
        "Small pocket: injections are precise for small pockets",
    ),
    (
        LASER,
        "small_area",
        -1,
        "Small pocket: the laser's applicators suit larger areas",
    ),
    (LASER, "large_area", 2, "Large area: the laser treats a whole region at once"),
    (CRYO, "large_area", 1, "Large area: fat freezing covers large areas well"),
    (
        INJECTION,
        "large_area",
        -2,
        "Large area: only a limited volume can be injected in one session",
    ),
    (
        INJECTION,
        "dense_fat",
        2,
        "Firm or fibrous fat: injections work well on dense fat",
    ),
    (
        CRYO,
        "dense_fat",
        -1,
        "Firm or fibrous fat: the applicator draws up soft tissue best",
    ),
    (CRYO, "soft_fat", 1, "Soft fat: the applicator draws it up well"),
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


def seed_conditions(apps) -> None:
    Condition = apps.get_model("treatments", "Condition")
    for code, name, description in CONDITIONS:
        Condition.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )


def seed_body_areas(apps) -> None:
    BodyArea = apps.get_model("treatments", "BodyArea")
    for order, (code, name) in enumerate(BODY_AREAS, start=1):
        BodyArea.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def seed_catalog(apps) -> None:
    """Treatments, condition and suitability rules and the catalog settings from DOMAIN.md
    (the data above). Existing rows are left as the clinic edited them."""
    Treatment = apps.get_model("treatments", "Treatment")
    BodyArea = apps.get_model("treatments", "BodyArea")
    Condition = apps.get_model("treatments", "Condition")
    ConditionRule = apps.get_model("treatments", "ConditionRule")
    SuitabilityRule = apps.get_model("treatments", "SuitabilityRule")
    CatalogSettings = apps.get_model("treatments", "CatalogSettings")

    areas = {a.code: a for a in BodyArea.objects.all()}
    treatments = {}
    for data in TREATMENTS:
        fields = {k: v for k, v in data.items() if k not in ("code", "cleared_areas")}
        treatment, created = Treatment.objects.get_or_create(code=data["code"], defaults=fields)
        if created:
            treatment.cleared_areas.set([areas[c] for c in data["cleared_areas"] if c in areas])
        treatments[treatment.code] = treatment

    conditions = {c.code: c for c in Condition.objects.all()}
    for condition, treatment, action, sentence in CONDITION_RULES:
        if condition in conditions and treatment in treatments:
            ConditionRule.objects.get_or_create(
                condition=conditions[condition],
                treatment=treatments[treatment],
                defaults={"action": action, "sentence": sentence},
            )
    for treatment, factor, points, reason in SUITABILITY_RULES:
        SuitabilityRule.objects.get_or_create(
            treatment=treatments[treatment],
            factor=factor,
            defaults={"points": points, "reason": reason},
        )
    if not CatalogSettings.objects.exists():
        CatalogSettings.objects.create(**SETTINGS)
