"""The patient page's "Patient rights" panel (Clinic admins): export and delete."""

from clinic.records import selectors
from consultations.panels import Panel, register_panel


def load_rights(request, patient) -> dict:
    return {}


PANELS = (
    Panel(
        "rights",
        "records/panels/rights.html",
        80,
        load_rights,
        column="side",
        permission=selectors.PATIENT_RIGHTS,
    ),
)


def register() -> None:
    for panel in PANELS:
        register_panel(panel)
