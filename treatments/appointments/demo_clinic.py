"""A clinic in motion for the demo: 32 more patients over the past six months and the next
four weeks, so the calendar, the progress charts, the outcome warnings and every report show
something the first time.

Every date is relative to the `today` passed in (the injected clock), and every "random"
number comes from a seeded generator, so a run is deterministic. Idempotent: once the first
of these patients exists, nothing is added.

Journeys (by patient, oldest contact first): completed courses, courses in progress with
measurements (most on track or ahead, some behind), one possible non-responder, one possible
paradoxical adipose hyperplasia, sessions booked this week and the next four, a few no-shows
and cancellations; then plans accepted, presented, declined, cancelled and in draft; then
patients only assessed, intakes submitted, and links sent.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from consultations import services as consultations
from consultations.demo import SUBMITTED_ANSWERS
from consultations.models import Assessment, Intake, Patient
from treatments.appointments import outcomes
from treatments.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    Device,
    ProgressPhoto,
    Room,
    TreatedArea,
)
from treatments.catalog.models import BodyArea
from treatments.plans import services as plans
from treatments.plans.models import Plan, PlanConsent, PlanStatus, PlanStatusChange

FIRST = ["Ava", "Ben", "Chloe", "Diego", "Elena", "Farah", "Gabe", "Hana", "Isaac", "Jade",
         "Kofi", "Lena", "Marco", "Nina", "Omar", "Paula", "Quinn", "Rosa", "Sam", "Tara",
         "Umar", "Vera", "Wes", "Xena", "Yara", "Zoe", "Aiden", "Bea", "Cyrus", "Dalia",
         "Emil", "Fiona", "Gus", "Helga"]  # fmt: skip
LAST = ["Adams", "Brooks", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
        "Jensen", "Kim", "Lopez", "Moreau", "Novak", "Ortiz", "Patel", "Quinn", "Rossi",
        "Silva", "Turner", "Usman", "Varga", "Weber", "Xu", "Young", "Zhang", "Abbott",
        "Bauer", "Chavez", "Diaz", "Ekström", "Flores", "Grant", "Holm"]  # fmt: skip

ANSWERS = {
    **SUBMITTED_ANSWERS,
    "cold_disorders": [],
    "takes_medicines": "no",
    "medicine_kinds": [],
}


@dataclass(frozen=True)
class Journey:
    stage: str  # sent, submitted, assessed, draft, presented, declined, cancelled, accepted, course
    days_ago: int  # first contact (intake link sent)
    treatment: str = "cryolipolysis"
    area: str = "abdomen"
    pinch: int = 30
    rate: float = 0.20  # the reduction per session this patient actually shows
    done: int = 0  # sessions done (course)
    story: str = ""  # "nonresponder", "pah", "noshow", "cancelled"


CRYO, LASER, INJ = "cryolipolysis", "laser_lipolysis", "deoxycholic_injection"

JOURNEYS = [
    # Completed and running courses, measured (11 on the cryolipolysis abdomen: enough
    # patients to judge the catalog's assumption; they lose a little less than assumed).
    Journey("course", 180, CRYO, "abdomen", 34, 0.15, 3),
    Journey("course", 176, CRYO, "abdomen", 32, 0.14, 3),
    Journey("course", 172, CRYO, "abdomen", 36, 0.17, 3),
    Journey("course", 168, CRYO, "flanks", 34, 0.0, 3, "nonresponder"),
    Journey("course", 165, CRYO, "abdomen", 33, 0.13, 3),
    Journey("course", 160, CRYO, "upper_back", 35, 0.20, 3, "pah"),
    Journey("course", 156, LASER, "flanks", 32, 0.13, 3),
    Journey("course", 150, CRYO, "abdomen", 35, 0.18, 3),
    Journey("course", 146, INJ, "submental", 26, 0.20, 3),
    Journey("course", 140, LASER, "abdomen", 34, 0.12, 3),
    Journey("course", 134, CRYO, "abdomen", 31, 0.16, 2, "noshow"),
    Journey("course", 128, CRYO, "abdomen", 34, 0.12, 2),
    Journey("course", 122, LASER, "flanks", 30, 0.10, 2),
    Journey("course", 116, CRYO, "abdomen", 36, 0.15, 2, "cancelled"),
    Journey("course", 110, INJ, "submental", 27, 0.22, 3),
    Journey("course", 104, CRYO, "abdomen", 33, 0.14, 2),
    Journey("course", 98, LASER, "abdomen", 31, 0.14, 2),
    Journey("course", 92, CRYO, "abdomen", 35, 0.16, 2),
    Journey("course", 80, INJ, "submental", 25, 0.18, 2, "noshow"),
    Journey("course", 70, CRYO, "flanks", 30, 0.22, 1),
    Journey("course", 62, LASER, "flanks", 33, 0.12, 1),
    Journey("course", 50, INJ, "submental", 28, 0.20, 1),
    # Accepted and booked, not started (their first sessions are this week and next).
    Journey("accepted", 40, CRYO, "flanks", 29),
    Journey("accepted", 34, LASER, "abdomen", 30),
    Journey("accepted", 28, INJ, "submental", 24),
    # Plans in the other statuses, and earlier steps of the journey.
    Journey("presented", 26, CRYO, "abdomen", 31),
    Journey("presented", 20, LASER, "flanks", 28),
    Journey("declined", 58, CRYO, "upper_back", 33),
    Journey("cancelled", 75, LASER, "abdomen", 29),
    Journey("draft", 12, CRYO, "flanks", 30),
    Journey("assessed", 9, CRYO, "abdomen", 27),
    Journey("submitted", 6),
]
SENT_ONLY = 2  # and two links sent, not answered yet (32 in all)


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _weekday(day: dt.date) -> dt.date:
    """Saturday and Sunday move to the Monday after (the demo provider works weekdays)."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


class Diary:
    """Hands out start times per day for the one demo provider, 09:00 to 17:00."""

    def __init__(self) -> None:
        self.next_free: dict[dt.date, int] = {}

    def book(self, day: dt.date, minutes: int) -> dt.datetime:
        day = _weekday(day)
        while self.next_free.get(day, 9 * 60) + minutes > 17 * 60:
            day = _weekday(day + dt.timedelta(days=1))
        start = self.next_free.get(day, 9 * 60)
        self.next_free[day] = start + minutes + 15
        return timezone.make_aware(dt.datetime.combine(day, dt.time(start // 60, start % 60)))


def _photo(pinch: float, kind: str, seed: int) -> bytes:
    """A generated photo: a torso outline whose fold is as wide as the pinch (no real image
    is copied into the repository)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.new("RGB", (360, 270), (236, 229, 220))
    draw = ImageDraw.Draw(img)
    skin = (214 - rng.randint(0, 40), 170 - rng.randint(0, 40), 140 - rng.randint(0, 30))
    draw.rounded_rectangle((110, 20, 250, 260), radius=50, fill=skin)
    bulge = int(pinch * 1.6)
    draw.ellipse((250 - bulge // 2, 120, 250 + bulge, 190), fill=skin)
    draw.ellipse((110 - bulge, 120, 110 + bulge // 2, 190), fill=skin)
    draw.text((12, 10), f"{kind.upper()} - demo image", fill=(60, 60, 60))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


class Seeder:
    def __init__(self, *, today: dt.date, provider, desk) -> None:
        self.today = today
        self.provider = provider
        self.desk = desk
        self.rng = random.Random(14)
        self.diary = Diary()
        self.rebooked = 0
        self.areas = {a.code: a for a in BodyArea.objects.all()}
        self.rooms = list(Room.objects.filter(active=True))
        self.devices = {
            code: d
            for d in Device.objects.prefetch_related("treatments")
            for code in d.treatments.values_list("code", flat=True)
        }

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    # --- consultations ---------------------------------------------------------------------

    def patient(self, n: int, days_ago: int) -> Patient:
        first, last = FIRST[n], LAST[n]
        return Patient.objects.create(
            first_name=first,
            last_name=last,
            date_of_birth=dt.date(1970 + n % 25, 1 + n % 12, 1 + n % 27),
            sex="male" if n % 4 == 1 else "female",
            email=f"{slugify(first)}.{slugify(last)}@example.com",  # Ekström: ekstrom
            phone=f"+1415555{1200 + n}",
            created_by=self.desk,
            created_at=_noon(self.day(days_ago)),
        )

    def intake(self, patient: Patient, days_ago: int, *, submit: bool, area: str) -> None:
        """Sent `days_ago` (and answered the day after): made now, then back-dated, since a
        link is only open until it expires."""
        sent = _noon(self.day(days_ago))
        intake = consultations.intake_link_create(patient=patient, by=self.desk)
        dates = {"created_at": sent, "expires_at": sent + (intake.expires_at - intake.created_at)}
        if submit:
            intake.draft = {**ANSWERS, "areas_of_concern": [area]}
            intake.started_at = timezone.now()
            intake.save(update_fields=["draft", "started_at"])
            consultations.intake_submit(intake=intake)
            answered = sent + dt.timedelta(days=1)
            dates |= {"started_at": answered, "submitted_at": answered}
        Intake.objects.filter(pk=intake.pk).update(**dates)

    def assessment(self, patient: Patient, j: Journey, on: dt.date):
        assessment = consultations.assessment_create(
            patient=patient,
            provider=self.provider,
            data={
                "assessed_on": on,
                "height_cm": 168,
                "weight_kg": 66,
                "weight_stable": True,
                "goals": "A smoother line in fitted clothes.",
            },
            areas=[
                {
                    "area": self.areas[j.area],
                    "pinch_mm": j.pinch,
                    "size": "small" if j.area == "submental" else "medium",
                    "consistency": "soft",
                    "skin_laxity": "mild",
                }
            ],
            by=self.provider,
        )
        Assessment.objects.filter(pk=assessment.pk).update(created_at=_noon(on))
        return assessment

    # --- plans -----------------------------------------------------------------------------

    def plan(self, assessment, j: Journey, assessed: dt.date) -> Plan:
        plan = plans.plan_create_from_option(
            assessment=assessment, treatment_code=j.treatment, by=self.provider, today=assessed
        )
        if j.stage == "draft":
            return plan
        plans.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=self.provider)
        if j.stage in ("declined", "cancelled"):
            to = PlanStatus.DECLINED if j.stage == "declined" else PlanStatus.CANCELLED
            plans.plan_transition(plan=plan, to_status=to, by=self.provider)
        elif j.stage != "presented":
            text = plans.consent_text_current(treatment=plan.treatment)
            plans.consent_record(
                plan=plan,
                full_name=assessment.patient.full_name,
                signature=_signature(),
                consent_text_id=text.pk,
                ip_address="127.0.0.1",
                user_agent="Demo tablet",
                by=self.provider,
            )
        # Back-date the history: presented on the assessment day, decided two days later.
        moments = {
            PlanStatus.DRAFT: _noon(assessed),
            PlanStatus.PRESENTED: _noon(assessed) + dt.timedelta(hours=1),
        }
        for change in PlanStatusChange.objects.filter(plan=plan):
            # Saved (not a queryset update), so the reports' monthly totals follow.
            change.at = moments.get(change.to_status, _noon(assessed + dt.timedelta(days=2)))
            change.save(update_fields=["at"])
        PlanConsent.objects.filter(plan=plan).update(
            signed_at=_noon(assessed + dt.timedelta(days=2))
        )
        Plan.objects.filter(pk=plan.pk).update(created_at=_noon(assessed))
        return Plan.objects.select_related("treatment").get(pk=plan.pk)

    # --- sessions --------------------------------------------------------------------------

    def course(self, plan: Plan, j: Journey, first: dt.date) -> None:
        """Book every session from `first` at the treatment's usual interval; the first
        `j.done` are done and measured, the rest booked."""
        sessions = list(plan.sessions.order_by("number"))
        interval = plan.option["spec"]["usual_interval_days"]
        room = self.rooms[plan.pk % len(self.rooms)] if plan.treatment.needs_room else None
        device = self.devices.get(j.treatment) if plan.treatment.needs_device else None
        unit = plan.option["spec"]["unit"]
        day = first
        done = 0
        last_done = min(j.done, len(sessions)) - 1
        for s in sessions:
            if j.story == "pah" and s.number == 3:
                day += dt.timedelta(days=14)  # booked late: 70 days after the second
            start = self.diary.book(day, s.duration_minutes)
            day = start.date()
            s.planned_date = day
            s.save(update_fields=["planned_date"])
            fields = {"plan_session": s, "provider": self.provider, "room": room, "device": device}
            if done < j.done and day < self.today:
                if j.story in ("noshow", "cancelled") and s.number == 2:
                    status = AppointmentStatus.NO_SHOW if j.story == "noshow" else "cancelled"
                    self.appointment(start, s, fields, status)
                    start = self.diary.book(day + dt.timedelta(days=7), s.duration_minutes)
                    day = start.date()
                appointment = self.appointment(start, s, fields, AppointmentStatus.DONE)
                self.measure(appointment, j, s, done, last_done, unit)
                done += 1
            else:
                if day < self.today:  # the next session is booked for this week (today first)
                    when = self.today + dt.timedelta(days=self.rebooked % 4)
                    self.rebooked += 1
                    start = self.diary.book(when, s.duration_minutes)
                    day = start.date()
                    s.planned_date = day
                    s.save(update_fields=["planned_date"])
                self.appointment(start, s, fields, AppointmentStatus.BOOKED)
            day += dt.timedelta(days=interval)
        self.plan_status(plan, done, len(sessions))

    def appointment(self, start, session, fields, status) -> Appointment:
        minutes = session.duration_minutes
        recorded = status != AppointmentStatus.BOOKED
        appointment = Appointment.objects.create(
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            status=status,
            booked_by=self.desk,
            intake_reconfirmed=status == AppointmentStatus.DONE,
            recorded_by=self.provider if recorded else None,
            recorded_at=start + dt.timedelta(minutes=minutes) if recorded else None,
            status_reason="Called in sick." if status == AppointmentStatus.CANCELLED else "",
            **fields,
        )
        Appointment.objects.filter(pk=appointment.pk).update(booked_at=start - dt.timedelta(days=7))
        booked = start - dt.timedelta(days=7)
        events = [AppointmentEvent(appointment=appointment, kind="booked", by=self.desk, at=booked)]
        if recorded:
            kind = "cancelled" if status == AppointmentStatus.CANCELLED else "recorded"
            events.append(
                AppointmentEvent(
                    appointment=appointment,
                    kind=kind,
                    detail=f"Recorded as {appointment.get_status_display().lower()}.",
                    by=self.provider,
                    at=appointment.recorded_at,
                )
            )
        AppointmentEvent.objects.bulk_create(events)
        return appointment

    def measure(self, appointment, j: Journey, session, done_before: int, last: int, unit) -> None:
        """The pinch before treating: the patient's own rate, a little caliper noise."""
        if j.story == "pah" and done_before == 2:
            pinch = j.pinch * (1 - j.rate) + 3.5  # thicker than at the second session
        elif j.story == "nonresponder":
            pinch = j.pinch + self.rng.choice((-0.5, 0, 0.5))
        else:
            pinch = j.pinch * (1 - j.rate) ** done_before + self.rng.uniform(-0.6, 0.6)
        units = session.areas[0]["units"] if session.areas else 1
        per_unit = {"vial": "vials", "cycle": "cycles", "applicator": "applicators"}.get(unit)
        TreatedArea.objects.create(
            appointment=appointment,
            area=self.areas[j.area],
            pinch_mm=Decimal(f"{pinch:.1f}"),
            **({per_unit: units} if per_unit else {}),
        )
        if done_before in (0, last):
            self.photo(appointment, j, pinch, ProgressPhoto.BEFORE if done_before == 0 else "after")

    def photo(self, appointment, j: Journey, pinch: float, kind: str) -> None:
        data = _photo(pinch, kind, appointment.pk)
        photo = ProgressPhoto(
            appointment=appointment,
            area=self.areas[j.area],
            kind=kind,
            extension="jpg",
            content_type="image/jpeg",
            width=360,
            height=270,
            uploaded_by=self.provider,
        )
        photo.image.save("demo.jpg", ContentFile(data), save=True)

    def plan_status(self, plan: Plan, done: int, total: int) -> None:
        if done == 0:
            return
        first_done = (
            Appointment.objects.filter(plan_session__plan=plan, status="done")
            .order_by("start")
            .values_list("start", flat=True)
        )
        steps = [(PlanStatus.ACCEPTED, PlanStatus.IN_PROGRESS, first_done[0])]
        if done == total:
            steps.append((PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED, first_done[done - 1]))
        for from_status, to_status, at in steps:
            change = PlanStatusChange.objects.create(
                plan=plan, from_status=from_status, to_status=to_status, by=self.provider
            )
            change.at = at
            change.save(update_fields=["at"])
        Plan.objects.filter(pk=plan.pk).update(status=steps[-1][1])

    # --- one patient ------------------------------------------------------------------------

    def journey(self, n: int, j: Journey) -> None:
        patient = self.patient(n, j.days_ago)
        self.intake(patient, j.days_ago, submit=j.stage != "sent", area=j.area)
        if j.stage in ("sent", "submitted"):
            return
        assessed = self.day(j.days_ago - 5)
        assessment = self.assessment(patient, j, assessed)
        if j.stage == "assessed":
            return
        plan = self.plan(assessment, j, assessed)
        if j.stage in ("course", "accepted"):
            first = assessed + dt.timedelta(days=7)
            if j.stage == "accepted":  # the first sessions fall this week and next
                first = self.today + dt.timedelta(days=n - 21)
            self.course(plan, j, first)
            if j.done:
                outcomes.outcome_warnings_sync(plan=plan)


def _signature() -> str:
    from treatments.plans.demo import _signature_png

    return _signature_png()


def seed_clinic(stdout, *, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    User = get_user_model()
    provider = User.objects.filter(username="provider").first()
    desk = User.objects.filter(username="frontdesk").first()
    if provider is None or Patient.objects.filter(first_name=FIRST[0], last_name=LAST[0]).exists():
        return
    seeder = Seeder(today=today, provider=provider, desk=desk)
    for n, j in enumerate(JOURNEYS):
        seeder.journey(n, j)
    for k in range(SENT_ONLY):
        n = len(JOURNEYS) + k
        patient = seeder.patient(n, 3 + k)
        seeder.intake(patient, 3 + k, submit=False, area="abdomen")
    stdout.write(
        f"A clinic in motion: {len(JOURNEYS) + SENT_ONLY} more patients, "
        f"{Appointment.objects.count()} sessions, "
        f"{Intake.objects.count()} intakes.\n"
    )
