from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER

PERMISSIONS: dict[str, list[str]] = {
    CLINIC_ADMIN: [
        "treatments.view_condition",
        "treatments.add_condition",
        "treatments.change_condition",
        "treatments.view_bodyarea",
        "treatments.add_bodyarea",
        "treatments.change_bodyarea",
    ],
    PROVIDER: ["treatments.view_condition", "treatments.view_bodyarea"],
    FRONT_DESK: ["treatments.view_condition", "treatments.view_bodyarea"],
}
