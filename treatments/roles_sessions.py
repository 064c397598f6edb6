"""Who may do what with sessions; merged into treatments/roles.py's PERMISSIONS."""

from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER

_SEE = [
    "treatments.view_appointment",
    "treatments.view_room",
    "treatments.view_device",
    "treatments.view_openinghours",
    "treatments.view_providerprofile",
    "treatments.view_providerhours",
]
_BOOK = [
    "treatments.book_appointment",
    "treatments.add_appointment",
    "treatments.change_appointment",
]
_RECORD = [
    "treatments.record_session",
    "treatments.view_treatedarea",
    "treatments.view_progressphoto",
    "treatments.add_progressphoto",
]
_RESOURCES = [
    f"treatments.{action}_{model}"
    for model in ("room", "device", "openinghours", "providerprofile", "providerhours")
    for action in ("add", "change", "delete")
]

SESSION_PERMISSIONS: dict[str, list[str]] = {
    CLINIC_ADMIN: [*_SEE, *_BOOK, *_RECORD, *_RESOURCES],
    PROVIDER: [*_SEE, *_RECORD],
    FRONT_DESK: [*_SEE, *_BOOK],
}
