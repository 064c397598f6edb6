from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER

_PATIENTS = [
    "consultations.view_patient",
    "consultations.add_patient",
    "consultations.change_patient",
]
_LINKS = ["consultations.view_intake", "consultations.add_intake", "consultations.change_intake"]
_SCREENING = ["consultations.view_screening", "consultations.view_intakeresponse"]
_QUESTIONNAIRES = [
    f"consultations.{action}_{model}"
    for model in ("questionnaire", "section", "question", "choice", "screeningrule")
    for action in ("view", "add", "change", "delete")
]

# Issue 5: assessments.
_ASSESSMENTS = [
    "consultations.view_assessment",
    "consultations.add_assessment",
    "consultations.view_assessmentarea",
    "consultations.view_assessmentconditionchange",
]

PERMISSIONS: dict[str, list[str]] = {
    # Everything here, and the questionnaire itself (edited in the admin).
    CLINIC_ADMIN: [
        *_PATIENTS,
        # Patient rights (clinic.records): export a whole record, delete one.
        "consultations.delete_patient",
        *_LINKS,
        *_SCREENING,
        *_QUESTIONNAIRES,
        *_ASSESSMENTS,
    ],
    # Clinical reading: patients, their intakes, answers and flags.
    PROVIDER: [
        "consultations.view_patient",
        "consultations.view_intake",
        *_SCREENING,
        *_ASSESSMENTS,
    ],
    # Reception: patient records and intake links, but not the clinical answers.
    FRONT_DESK: [*_PATIENTS, *_LINKS],
}
