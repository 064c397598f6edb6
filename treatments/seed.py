"""Catalog seeds from shared/DOMAIN.md. Each function takes an app registry so a data
migration (historical models) and a test fixture (live models) can both call it; each is
idempotent."""

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
    (data in `treatments.catalog_defaults`). Existing rows are left as the clinic edited them."""
    from treatments import catalog_defaults as defaults

    Treatment = apps.get_model("treatments", "Treatment")
    BodyArea = apps.get_model("treatments", "BodyArea")
    Condition = apps.get_model("treatments", "Condition")
    ConditionRule = apps.get_model("treatments", "ConditionRule")
    SuitabilityRule = apps.get_model("treatments", "SuitabilityRule")
    CatalogSettings = apps.get_model("treatments", "CatalogSettings")

    areas = {a.code: a for a in BodyArea.objects.all()}
    treatments = {}
    for data in defaults.TREATMENTS:
        fields = {k: v for k, v in data.items() if k not in ("code", "cleared_areas")}
        treatment, created = Treatment.objects.get_or_create(code=data["code"], defaults=fields)
        if created:
            treatment.cleared_areas.set([areas[c] for c in data["cleared_areas"] if c in areas])
        treatments[treatment.code] = treatment

    conditions = {c.code: c for c in Condition.objects.all()}
    for condition, treatment, action, sentence in defaults.CONDITION_RULES:
        if condition in conditions and treatment in treatments:
            ConditionRule.objects.get_or_create(
                condition=conditions[condition],
                treatment=treatments[treatment],
                defaults={"action": action, "sentence": sentence},
            )
    for treatment, factor, points, reason in defaults.SUITABILITY_RULES:
        SuitabilityRule.objects.get_or_create(
            treatment=treatments[treatment],
            factor=factor,
            defaults={"points": points, "reason": reason},
        )
    if not CatalogSettings.objects.exists():
        CatalogSettings.objects.create(**defaults.SETTINGS)


def seed_all(apps) -> None:
    """The whole catalog, for fixtures after a transactional flush."""
    seed_conditions(apps)
    seed_body_areas(apps)
    seed_catalog(apps)
