"""Demo patients: one with a submitted intake (and flags), one with a link still open, one
half-way through, and a few without an intake yet. Idempotent."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations import services
from consultations.models import Intake, Patient
from consultations.seed import seed_default_questionnaire

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


# --- Issue 5: a patient with an assessment and an accepted, signed plan (issue 6 books it),
# and one whose intake says she is pregnant (no plan can be offered). Dana Reyes is left
# without an assessment, to walk through the consultation from the start.

PLANNED = ("Hannah", "Lee", "1983-03-21", "female", "hannah.lee@example.com", "+14155550106")
PREGNANT = ("Leila", "Haddad", "1991-06-30", "female", "leila.haddad@example.com", "+14155550107")


def _signature_png() -> str:
    """A small hand-drawn-looking squiggle as a PNG data URL (no image library needed)."""
    import base64
    import math
    import struct
    import zlib

    width, height = 240, 60
    rows = [bytearray(b"\xff" * width) for _ in range(height)]
    for x in range(10, 230):
        y = int(30 + 14 * math.sin(x / 11) * math.cos(x / 37))
        for dy in (-1, 0, 1):
            rows[y + dy][x] = 0x20
    raw = b"".join(b"\x00" + bytes(row) for row in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


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
    from treatments.models import BodyArea

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
    from django.apps import apps

    from consultations.consent_seed import seed_consent_texts
    from treatments import services as plan_services
    from treatments.models import Plan, PlanStatus
    from treatments.seed import seed_all

    seed_all(apps)  # idempotent; restores the catalog after a flush
    seed_consent_texts(apps)
    User = get_user_model()
    provider = User.objects.filter(username="provider").first()
    desk = User.objects.filter(username="frontdesk").first()
    if provider is None:
        return
    hannah = _demo_patient(*PLANNED, {"cold_disorders": [], "medicine_kinds": []}, desk)
    assessment = _demo_assessment(hannah, provider, [("upper_back", 32, "large")])
    if not Plan.objects.filter(patient=hannah).exists():
        plan = plan_services.plan_create_from_option(
            assessment=assessment,
            treatment_code="cryolipolysis",
            by=provider,
            today=timezone.localdate() + datetime.timedelta(days=7),
        )
        plan_services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
        text = plan_services.consent_text_current(treatment=plan.treatment)
        plan_services.consent_record(
            plan=plan,
            full_name=hannah.full_name,
            signature=_signature_png(),
            consent_text_id=text.pk,
            ip_address="127.0.0.1",
            user_agent="Demo tablet",
            by=provider,
        )
    leila = _demo_patient(*PREGNANT, {"pregnant": "yes"}, desk)
    _demo_assessment(leila, provider, [("upper_back", 28, "large")])
    stdout.write(
        "Demo consultations: Hannah Lee has an accepted, signed plan; Leila Haddad is pregnant."
    )
