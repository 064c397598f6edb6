"""The patient page's audit panel (Clinic admins): the latest entries about the patient and
everything of theirs, registered by ClinicConfig.ready() like every app's panels."""

from clinic.audit import selectors
from consultations.panels import Panel, register_panel


def load_history(request, patient) -> dict:
    return {"show": True, "entries": selectors.history_for_patient(patient.pk), "patient": patient}


PANELS = (
    Panel(
        "audit",
        "audit/_history.html",
        90,
        load_history,
        column="side",
        permission=selectors.VIEW_AUDIT,
    ),
)


def register() -> None:
    for panel in PANELS:
        register_panel(panel)
