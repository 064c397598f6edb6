from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER

PERMISSIONS: dict[str, list[str]] = {CLINIC_ADMIN: [], PROVIDER: [], FRONT_DESK: []}
