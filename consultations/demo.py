"""Demo patients: one with a submitted intake (and flags), one with a link still open, one
half-way through, and a few without an intake yet. Idempotent."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations import services
from consultations.migrations._seed import seed_default_questionnaire
from consultations.models import Intake, Patient

PATIENTS = [
    # first, last, dob, sex, email, phone, intake
    (
        "Dana",
        "Reyes",
        "1985-05-05",
        "female",
        "dana.reyes@example.com",
        "+14155550100",
        "submitted",
    ),
    ("Maya", "Chen", "1990-09-14", "female", "maya.chen@example.com", "+14155550101", "open"),
    ("Sofia", "Alvarez", "1979-02-27", "female", "", "+14155550102", "in_progress"),
    ("Jordan", "Blake", "1988-11-02", "male", "jordan.blake@example.com", "", None),
    ("Riley", "Okafor", "1995-07-19", "other", "riley.okafor@example.com", "+14155550104", None),
    ("Grace", "Nguyen", "1972-12-08", "female", "grace.nguyen@example.com", "+14155550105", None),
]

SUBMITTED_ANSWERS = {
    "height": "165",
    "weight": "68",
    "weight_stable": "yes",
    "pregnant": "no",
    "cold_disorders": ["raynauds"],
    "bleeding_disorder": "no",
    "takes_medicines": "yes",
    "medicine_kinds": ["anticoagulant"],
    "medicine_list": "Apixaban 5 mg twice a day (atrial fibrillation).",
    "has_allergies": "no",
    "deoxycholic_allergy": "no",
    "areas_of_concern": ["bra_line", "upper_back"],
    "infection_at_site": "no",
    "skin_condition_at_site": "no",
    "hernia": "no",
    "numbness": "no",
    "implant_at_site": "no",
    "recent_surgery": "no",
    "previous_procedures": "no",
    "goals": "Smooth out the bra bulge so fitted tops sit flat.",
    "downtime_tolerance": "few_days",
    "budget": "1500_3000",
    "referral_source": "friend",
    "photo_consent": "yes",
}


def seed(stdout) -> None:
    from django.apps import apps

    seed_default_questionnaire(apps)
    by = get_user_model().objects.filter(username="frontdesk").first()
    for first, last, dob, sex, email, phone, intake_state in PATIENTS:
        patient, created = Patient.objects.get_or_create(
            first_name=first,
            last_name=last,
            date_of_birth=datetime.date.fromisoformat(dob),
            defaults={
                "sex": sex,
                "email": email,
                "phone": phone,
                "created_by": by,
                "preferred_contact": "email" if email else "phone",
            },
        )
        if not created or intake_state is None or Intake.objects.filter(patient=patient).exists():
            continue
        intake = services.intake_link_create(patient=patient, by=by)
        if intake_state == "submitted":
            intake.draft = SUBMITTED_ANSWERS
            intake.started_at = timezone.now()
            intake.save(update_fields=["draft", "started_at"])
            services.intake_submit(intake=intake)
        elif intake_state == "in_progress":
            intake.draft = {k: SUBMITTED_ANSWERS[k] for k in ("height", "weight", "weight_stable")}
            intake.started_at = timezone.now()
            intake.save(update_fields=["draft", "started_at"])
    stdout.write(f"Demo patients: {Patient.objects.count()}.")
    seed_consultations(stdout)


# --- Issue 5: a patient with an assessment (plans/demo.py gives her an accepted, signed plan),
# and one whose intake says she is pregnant (no plan can be offered). Dana Reyes is left
# without an assessment, to walk through the consultation from the start.

PLANNED = ("Hannah", "Lee", "1983-03-21", "female", "hannah.lee@example.com", "+14155550106")
PREGNANT = ("Leila", "Haddad", "1991-06-30", "female", "leila.haddad@example.com", "+14155550107")


def _demo_patient(first, last, dob, sex, email, phone, answers, by):
    patient, created = Patient.objects.get_or_create(
        first_name=first,
        last_name=last,
        date_of_birth=datetime.date.fromisoformat(dob),
        defaults={"sex": sex, "email": email, "phone": phone, "created_by": by},
    )
    if created:
        intake = services.intake_link_create(patient=patient, by=by)
        intake.draft = {**SUBMITTED_ANSWERS, **answers}
        intake.started_at = timezone.now()
        intake.save(update_fields=["draft", "started_at"])
        services.intake_submit(intake=intake)
    return patient


def _demo_assessment(patient, provider, areas):
    from consultations.models import Assessment
    from treatments.catalog.models import BodyArea

    existing = Assessment.objects.filter(patient=patient).first()
    if existing is not None:
        return existing
    return services.assessment_create(
        patient=patient,
        provider=provider,
        data={
            "assessed_on": timezone.localdate(),
            "height_cm": 168,
            "weight_kg": 66,
            "weight_stable": True,
            "goals": "A smoother upper back and bra line in fitted tops.",
        },
        areas=[
            {
                "area": BodyArea.objects.get(code=code),
                "pinch_mm": pinch,
                "size": size,
                "consistency": "soft",
                "skin_laxity": "mild",
            }
            for code, pinch, size in areas
        ],
        by=provider,
    )


def seed_consultations(stdout) -> None:
    """Hannah Lee and Leila Haddad with their intakes and assessments (plans/demo.py gives
    Hannah her plan)."""
    User = get_user_model()
    provider = User.objects.filter(username="provider").first()
    desk = User.objects.filter(username="frontdesk").first()
    if provider is None:
        return
    hannah = _demo_patient(*PLANNED, {"cold_disorders": [], "medicine_kinds": []}, desk)
    _demo_assessment(hannah, provider, [("upper_back", 32, "large")])
    leila = _demo_patient(*PREGNANT, {"pregnant": "yes"}, desk)
    _demo_assessment(leila, provider, [("upper_back", 28, "large")])
    stdout.write("Demo assessments: Hannah Lee; Leila Haddad is pregnant.")
