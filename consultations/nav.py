from clinic.navigation import NavItem

ITEMS: list[NavItem] = [
    NavItem(
        "Patients",
        "consultations:patient-list",
        "consultations.view_patient",
        "Find a patient, add one, send an intake questionnaire and see its screening flags.",
    ),
]
