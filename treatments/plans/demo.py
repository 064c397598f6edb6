"""Demo plans: Hannah Lee's accepted, signed cryolipolysis plan, ready to book."""

import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations.demo import PLANNED
from consultations.migrations._consent_seed import seed_consent_texts
from consultations.models import Assessment
from treatments.plans import services
from treatments.plans.models import Plan, PlanStatus


def seed(stdout) -> None:
    seed_consent_texts(apps, "plans")  # idempotent; restores the texts after a flush
    provider = get_user_model().objects.filter(username="provider").first()
    first, last, dob = PLANNED[:3]
    assessment = (
        Assessment.objects.filter(
            patient__first_name=first,
            patient__last_name=last,
            patient__date_of_birth=datetime.date.fromisoformat(dob),
        )
        .select_related("patient")
        .first()
    )
    if provider is None or assessment is None:
        return
    hannah = assessment.patient
    if not Plan.objects.filter(patient=hannah).exists():
        plan = services.plan_create_from_option(
            assessment=assessment,
            treatment_code="cryolipolysis",
            by=provider,
            today=timezone.localdate() + datetime.timedelta(days=7),
        )
        services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
        text = services.consent_text_current(treatment=plan.treatment)
        services.consent_record(
            plan=plan,
            full_name=hannah.full_name,
            signature=_signature_png(),
            consent_text_id=text.pk,
            ip_address="127.0.0.1",
            user_agent="Demo tablet",
            by=provider,
        )
    stdout.write("Demo plans: Hannah Lee has an accepted, signed plan.\n")


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
