from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER

# Front desk sees plans (to book them) but does not make or change them.
_PLANS = ["plans.view_plan", "plans.add_plan", "plans.change_plan"]
_CONSENT = ["plans.record_consent", "plans.view_planconsent"]
_CONSENT_TEXTS = [
    "plans.view_consenttext",
    "plans.add_consenttext",
    "plans.change_consenttext",
]

PERMISSIONS: dict[str, list[str]] = {
    CLINIC_ADMIN: [*_PLANS, *_CONSENT, *_CONSENT_TEXTS],
    PROVIDER: [*_PLANS, *_CONSENT, "plans.view_consenttext"],
    FRONT_DESK: ["plans.view_plan"],
}
