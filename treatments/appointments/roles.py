"""Who may do what with sessions."""

from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER

_SEE = [
    "appointments.view_appointment",
    "appointments.view_room",
    "appointments.view_device",
    "appointments.view_openinghours",
    "appointments.view_providerprofile",
    "appointments.view_providerhours",
]
_BOOK = [
    "appointments.book_appointment",
    "appointments.add_appointment",
    "appointments.change_appointment",
]
_RECORD = [
    "appointments.record_session",
    "appointments.view_treatedarea",
    "appointments.view_progressphoto",
    "appointments.add_progressphoto",
    "appointments.view_outcomewarning",
    "appointments.review_outcomewarning",
]
_RESOURCES = [
    f"appointments.{action}_{model}"
    for model in ("room", "device", "openinghours", "providerprofile", "providerhours")
    for action in ("add", "change", "delete")
]

PERMISSIONS: dict[str, list[str]] = {
    CLINIC_ADMIN: [*_SEE, *_BOOK, *_RECORD, *_RESOURCES],
    PROVIDER: [*_SEE, *_RECORD],
    FRONT_DESK: [*_SEE, *_BOOK],
}
