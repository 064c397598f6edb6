"""Who reads which report: nobody but Clinic admins sees money."""

from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER

BUSINESS = "reports.view_business"
UTILISATION = "reports.view_utilisation"
OUTCOMES = "reports.view_outcomes"

PERMISSIONS: dict[str, list[str]] = {
    CLINIC_ADMIN: [BUSINESS, UTILISATION, OUTCOMES],
    PROVIDER: [OUTCOMES],
    FRONT_DESK: [UTILISATION],
}
