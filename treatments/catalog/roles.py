from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER

_VIEW_CATALOG = [
    "treatments.view_condition",
    "treatments.view_bodyarea",
    "treatments.view_treatment",
    "treatments.view_conditionrule",
    "treatments.view_suitabilityrule",
    "treatments.view_catalogsettings",
    "treatments.view_clinicclosure",
    "treatments.view_applicatortype",
    "treatments.preview_plan",
]

PERMISSIONS: dict[str, list[str]] = {
    CLINIC_ADMIN: [
        *_VIEW_CATALOG,
        "treatments.add_condition",
        "treatments.change_condition",
        "treatments.add_bodyarea",
        "treatments.change_bodyarea",
        # Treatments are deactivated, not deleted: plans will refer to them.
        "treatments.add_treatment",
        "treatments.change_treatment",
        "treatments.add_conditionrule",
        "treatments.change_conditionrule",
        "treatments.delete_conditionrule",
        "treatments.add_suitabilityrule",
        "treatments.change_suitabilityrule",
        "treatments.delete_suitabilityrule",
        "treatments.change_catalogsettings",
        "treatments.add_clinicclosure",
        "treatments.change_clinicclosure",
        "treatments.delete_clinicclosure",
        # The applicators the clinic owns (the treatment map): plans keep a copy of them.
        "treatments.add_applicatortype",
        "treatments.change_applicatortype",
        "treatments.delete_applicatortype",
    ],
    PROVIDER: _VIEW_CATALOG,
    FRONT_DESK: _VIEW_CATALOG,
}
