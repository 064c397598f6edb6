"""A realistic clinic at any size, written fast (`manage.py seed_scale --patients N`).

Every patient has a submitted intake and an assessment, then one or more plans in every
status; the plans' sessions are booked, done, missed or cancelled over the years before
today and a few weeks after it. Rows are built as model instances (so defaults such as
tokens and UIDs are the models' own) and written in batches: PostgreSQL's COPY, or
`bulk_create` elsewhere.

No two active appointments overlap for a provider, a room or a device, by construction:
each working day of each room is split into shifts, a shift belongs to one provider, each
room has its own device, and sessions are packed back to back inside a shift.
"""

from __future__ import annotations

import io
import json
import math
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from clinic.roles import PROVIDER
from consultations.models import (
    Assessment,
    AssessmentArea,
    Intake,
    IntakeResponse,
    Patient,
    Questionnaire,
)
from treatments.appointments.models import (
    Appointment,
    Device,
    ProviderHours,
    ProviderProfile,
    Room,
)
from treatments.catalog.models import BodyArea, Treatment
from treatments.plans.models import (
    ConsentText,
    Plan,
    PlanConsent,
    PlanLineItem,
    PlanSession,
    PlanStatusChange,
)

EMAIL_DOMAIN = "scale.example"
DAY_OPENS = 9 * 60  # minutes since midnight; the demo's opening hours, Monday to Friday
DAY_CLOSES = 18 * 60
UTILISATION = 0.7  # how full the clinic's shifts are on average


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="

FIRST = _words(
    "Dana Maya Sofia Jordan Riley Grace Ana Lucia Emma Olivia Ava Mia Chloe Zoe Nora Leah Ines "
    "Carmen Rosa Elena Hana Yuki Aisha Fatima Priya Amara Chiara Freya Ingrid Noor Layla Sara "
    "James Omar Luis Kenji Ravi Tom Ben Sam Alex Chris Pat Jamie Robin Kim Lee Max Noah Liam"
)
LAST = _words(
    "Garcia Smith Johnson Williams Brown Jones Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Chen Okafor "
    "Reyes Alvarez Blake Shah Kowalski Novak Rossi Muller Dubois Jensen Tanaka Kim Singh Patel"
)
AREA_CODES = ("212", "310", "415", "512", "617", "646", "718", "773", "917", "206")
ANSWERS = {
    "height": "165",
    "weight": "68",
    "weight_stable": "yes",
    "pregnant": "no",
    "cold_disorders": [],
    "bleeding_disorder": "no",
    "takes_medicines": "no",
    "has_allergies": "no",
    "deoxycholic_allergy": "no",
    "areas_of_concern": ["bra_line", "upper_back"],
    "infection_at_site": "no",
    "skin_condition_at_site": "no",
    "hernia": "no",
}
# The last plan of a patient ends in every status; earlier plans were completed.
LAST_PLAN_STATUSES = (
    ("booked", 62),  # accepted, in progress or completed, from its appointments
    ("accepted_unbooked", 8),
    ("draft", 8),
    ("presented", 8),
    ("declined", 7),
    ("cancelled", 7),
)


# --- Writing rows ------------------------------------------------------------------------


NULL = r"\N"


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy_text(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    return _escape(str(value))


# Fields whose Python value PostgreSQL reads as it is printed; any other field goes through
# its own get_db_prep_save (custom fields, UUIDs, ...). Seeding a million rows spends most of
# its time here, so the common cases skip Django's per-value connection lookups.
_AS_TEXT = (models.CharField, models.TextField, models.EmailField, models.SlugField)
_AS_STR = (
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.DecimalField,
    models.ForeignKey,
    models.OneToOneField,
)


def _json_text(value) -> str:
    return _escape(json.dumps(value))


def _bool_text(value) -> str:
    return "t" if value else "f"


def _iso_text(value) -> str:
    return value.isoformat()


_FAST = {
    models.JSONField: _json_text,
    models.BooleanField: _bool_text,
    models.DateTimeField: _iso_text,
    models.DateField: _iso_text,
    **dict.fromkeys(_AS_TEXT, _escape),
    **dict.fromkeys(_AS_STR, str),
}


def _converter(f: models.Field, now: datetime):
    """A function from an instance to the field's COPY text."""
    attname = f.attname
    auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    convert = _FAST.get(type(f))
    if convert is None:

        def convert(v):
            return _copy_text(f.get_db_prep_save(v, connection))

    def text(obj) -> str:
        value = getattr(obj, attname)
        if value is None:
            if not auto:
                return NULL
            value = now
        return convert(value)

    return text


def write(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert the rows as they are (primary keys included)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=500)
        return
    fields = [f for f in model._meta.concrete_fields]
    now = timezone.now()
    converters = [_converter(f, now) for f in fields]
    buffer = io.StringIO()
    buffer.writelines("\t".join([c(obj) for c in converters]) + "\n" for obj in objs)
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


class Ids:
    """The next free primary key per model (the sequences are reset at the end)."""

    def __init__(self) -> None:
        self._next: dict[type, int] = {}

    def __call__(self, model: type[models.Model]) -> int:
        if model not in self._next:
            last = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self._next[model] = last + 1
        pk = self._next[model]
        self._next[model] = pk + 1
        return pk


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- The clinic's resources ----------------------------------------------------------------


@dataclass(frozen=True)
class Clinic:
    providers: list[int]  # user ids, shift-major: provider of (room r, shift s) = s * rooms + r
    rooms: list[int]
    devices: list[int]
    shifts: int

    def cell(self, index: int) -> tuple[int, int, int, int]:
        """(provider, room, device, shift) of a room-shift cell of a day."""
        room = index % len(self.rooms)
        shift = index // len(self.rooms)
        return (
            self.providers[shift * len(self.rooms) + room],
            self.rooms[room],
            self.devices[room],
            shift,
        )

    def shift_bounds(self, shift: int) -> tuple[int, int]:
        length = (DAY_CLOSES - DAY_OPENS) // self.shifts
        start = DAY_OPENS + shift * length
        return start, start + length


def clinic_resources(*, rooms: int, shifts: int, treatments: list[Treatment]) -> Clinic:
    """Rooms, one device per room (serving every machine treatment) and one provider per
    room and shift, with working hours for their shift (idempotent by name)."""
    User = get_user_model()
    role = Group.objects.get(name=PROVIDER)
    machine = [t for t in treatments if t.needs_device]
    room_ids, device_ids, provider_ids = [], [], []
    for n in range(1, rooms + 1):
        room, _ = Room.objects.get_or_create(name=f"Room S{n}", defaults={"sort_order": 10 + n})
        device, created = Device.objects.get_or_create(
            name=f"Platform S{n}", defaults={"serial_number": f"SC-{n:04d}", "sort_order": 10 + n}
        )
        if created:
            device.treatments.set(machine)
        room_ids.append(room.pk)
        device_ids.append(device.pk)
    length = (DAY_CLOSES - DAY_OPENS) // shifts
    for index in range(rooms * shifts):
        shift = index // rooms
        user, created = User.objects.get_or_create(
            username=f"scale-provider-{index + 1}",
            defaults={
                "first_name": FIRST[index % len(FIRST)],
                "last_name": f"Provider {index + 1}",
            },
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(role)
            profile = ProviderProfile.objects.create(user=user)
            profile.treatments.set(treatments)
            starts = DAY_OPENS + shift * length
            for weekday in range(5):
                ProviderHours.objects.create(
                    profile=profile,
                    weekday=weekday,
                    starts=time(starts // 60, starts % 60),
                    ends=time((starts + length) // 60, (starts + length) % 60),
                )
        provider_ids.append(user.pk)
    return Clinic(provider_ids, room_ids, device_ids, shifts)


# --- Packing sessions into shifts ----------------------------------------------------------


@dataclass
class Packer:
    """Finds the first day on or after a wanted day with room left in some shift, and books
    the session there, back to back with the shift's earlier sessions."""

    clinic: Clinic
    cursors: dict[date, list[int]] = field(default_factory=dict)
    full_from: dict[date, int] = field(default_factory=dict)  # cells before it are full

    def place(self, wanted: date, minutes: int, rng: random.Random) -> tuple[datetime, tuple]:
        day = wanted
        while True:
            if day.weekday() < 5:
                found = self._in_day(day, minutes, rng)
                if found is not None:
                    return found
            day += timedelta(days=1)

    def _in_day(self, day: date, minutes: int, rng: random.Random):
        cells = len(self.clinic.rooms) * self.clinic.shifts
        cursors = self.cursors.get(day)
        if cursors is None:
            cursors = [
                self.clinic.shift_bounds(i // len(self.clinic.rooms))[0] for i in range(cells)
            ]
            self.cursors[day] = cursors
        first = self.full_from.get(day, 0)
        # Start at a random cell so the day fills evenly rather than one room first.
        offset = rng.randrange(cells)
        for step in range(cells):
            index = (offset + step) % cells
            if index < first:
                continue
            provider, room, device, shift = self.clinic.cell(index)
            ends = self.clinic.shift_bounds(shift)[1]
            if cursors[index] + minutes <= ends:
                start = cursors[index]
                cursors[index] += minutes
                at = datetime.combine(day, time(start // 60, start % 60))
                return timezone.make_aware(at), (provider, room, device)
        self.full_from[day] = cells
        return None


# --- The patients --------------------------------------------------------------------------


@dataclass
class Batch:
    """Rows of one batch of patients, per model, in insertion order."""

    rows: dict[type, list] = field(default_factory=dict)

    def add(self, obj: models.Model) -> models.Model:
        self.rows.setdefault(type(obj), []).append(obj)
        return obj

    def count(self, model: type) -> int:
        return len(self.rows.get(model, []))


ORDER = (
    Patient,
    Intake,
    IntakeResponse,
    Assessment,
    AssessmentArea,
    Plan,
    PlanSession,
    PlanLineItem,
    PlanStatusChange,
    PlanConsent,
    Appointment,
)


@dataclass
class Seeder:
    """Makes `count` patients and everything that follows them, batch by batch."""

    rng: random.Random
    clinic: Clinic
    treatments: list[Treatment]
    consent_texts: dict[int, ConsentText]
    questionnaire: Questionnaire
    area: BodyArea
    author: int
    first_day: date
    today: date
    per_patient: int
    ids: Ids = field(default_factory=Ids)
    packer: Packer | None = None
    totals: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.packer = Packer(self.clinic)
        self.now = timezone.now()
        self.machine = {t.pk for t in self.treatments if t.needs_device}

    def run(self, count: int, batch_size: int) -> dict[str, int]:
        made = 0
        while made < count:
            size = min(batch_size, count - made)
            batch = Batch()
            for _ in range(size):
                self.patient(batch)
            for model in ORDER:
                write(model, batch.rows.get(model, []))
                self.totals[model.__name__] = self.totals.get(model.__name__, 0) + batch.count(
                    model
                )
            made += size
        reset_sequences(ORDER)
        return self.totals

    # One patient ------------------------------------------------------------------------

    def _when(self, day: date, minute: int = 600) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60)))

    def patient(self, batch: Batch) -> None:
        rng = self.rng
        pk = self.ids(Patient)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        span = max((self.today - self.first_day).days - 60, 1)
        joined = self.first_day + timedelta(days=rng.randrange(span))
        patient = batch.add(
            Patient(
                pk=pk,
                first_name=first,
                last_name=last,
                date_of_birth=date(
                    rng.randrange(1950, 2004), rng.randrange(1, 13), rng.randrange(1, 29)
                ),
                sex=rng.choice(("female", "female", "female", "male", "other")),
                email=f"{first.lower()}.{last.lower()}.{pk}@{EMAIL_DOMAIN}",
                phone=f"+1{rng.choice(AREA_CODES)}{rng.randrange(200, 1000)}{rng.randrange(10000):04d}",
                preferred_contact="email",
                created_at=self._when(joined, 540),
                updated_at=self._when(joined, 540),
            )
        )
        self.intake(batch, patient, joined)
        assessment = self.assessment(batch, patient, joined + timedelta(days=7))
        self.plans(batch, patient, assessment)

    def intake(self, batch: Batch, patient: Patient, day: date) -> None:
        sent = self._when(day, 545)
        intake = batch.add(
            Intake(
                pk=self.ids(Intake),
                patient_id=patient.pk,
                questionnaire_id=self.questionnaire.pk,
                token=secrets.token_urlsafe(32),
                created_at=sent,
                expires_at=sent + timedelta(days=14),
                started_at=sent + timedelta(hours=2),
                draft={},
                submitted_at=sent + timedelta(hours=3),
            )
        )
        batch.add(
            IntakeResponse(
                pk=self.ids(IntakeResponse),
                intake_id=intake.pk,
                questionnaire_id=self.questionnaire.pk,
                answers=ANSWERS,
                flags=[],
                submitted_at=intake.submitted_at,
            )
        )

    def assessment(self, batch: Batch, patient: Patient, day: date) -> Assessment:
        provider = self.rng.choice(self.clinic.providers)
        assessment = batch.add(
            Assessment(
                pk=self.ids(Assessment),
                patient_id=patient.pk,
                assessed_on=day,
                provider_id=provider,
                height_cm=Decimal(self.rng.randrange(150, 190)),
                weight_kg=Decimal(self.rng.randrange(55, 95)),
                weight_stable=True,
                goals="Smoother upper back under fitted clothes.",
                created_by_id=provider,
                created_at=self._when(day, 600),
            )
        )
        batch.add(
            AssessmentArea(
                pk=self.ids(AssessmentArea),
                assessment_id=assessment.pk,
                area_id=self.area.pk,
                pinch_mm=self.rng.randrange(15, 45),
                size="medium",
                consistency="soft",
                skin_laxity="mild",
            )
        )
        return assessment

    def plans(self, batch: Batch, patient: Patient, assessment: Assessment) -> None:
        start = assessment.assessed_on + timedelta(days=7)
        booked = 0
        while True:
            treatment = self.rng.choice(self.treatments)
            sessions = self.rng.randint(treatment.min_sessions, treatment.max_sessions)
            last = booked + sessions >= self.per_patient
            kind = self._pick_status() if last else "booked"
            plan = self.plan(batch, patient, assessment, treatment, start, sessions, kind)
            booked += sessions
            if last:
                return
            start = plan.start_date + timedelta(days=treatment.usual_interval_days * sessions)
            if start >= self.today:
                return

    def _pick_status(self) -> str:
        names = [name for name, _ in LAST_PLAN_STATUSES]
        weights = [weight for _, weight in LAST_PLAN_STATUSES]
        return self.rng.choices(names, weights)[0]

    def plan(self, batch, patient, assessment, treatment, start, sessions, kind) -> Plan:
        price = Decimal(450 * sessions)
        status = {"booked": "accepted", "accepted_unbooked": "accepted"}.get(kind, kind)
        created = self._when(assessment.assessed_on, 660)
        plan = batch.add(
            Plan(
                pk=self.ids(Plan),
                patient_id=patient.pk,
                assessment_id=assessment.pk,
                treatment_id=treatment.pk,
                status=status,
                engine_version="seed-scale",
                currency="USD",
                start_date=start,
                goal_pinch_mm=20,
                option={"treatment": treatment.code, "sessions": sessions},
                excluded=[],
                reasons=[],
                warnings=[],
                subtotal=price,
                total=price,
                deposit=Decimal(100),
                payment_plans=[],
                created_by_id=self.author,
                created_at=created,
                updated_at=created,
            )
        )
        minutes = min(max(30, treatment.session_base_minutes), 90)
        plan_sessions = [
            batch.add(
                PlanSession(
                    pk=self.ids(PlanSession),
                    plan_id=plan.pk,
                    number=n,
                    planned_date=start + timedelta(days=treatment.usual_interval_days * (n - 1)),
                    duration_minutes=minutes,
                    areas=[{"area": self.area.code, "units": 2, "unit": "unit"}],
                )
            )
            for n in range(1, sessions + 1)
        ]
        batch.add(
            PlanLineItem(
                pk=self.ids(PlanLineItem),
                plan_id=plan.pk,
                position=0,
                description=f"{treatment.name}, {sessions} sessions",
                quantity=Decimal(sessions),
                unit="session",
                unit_price=Decimal(450),
                amount=price,
            )
        )
        if status == "accepted":
            self.consent(batch, plan, treatment, created)
            booked_all = kind == "booked"
            held = [
                self.book(batch, plan, session)
                for session in plan_sessions
                if booked_all or (session.number == 1 and self.rng.random() < 0.3)
            ]
            plan.status = status_from(held, len(plan_sessions))
        batch.add(
            PlanStatusChange(
                pk=self.ids(PlanStatusChange),
                plan_id=plan.pk,
                from_status="",
                to_status=plan.status,
                by_id=self.author,
                at=created,
                treatment_id=plan.treatment_id,
                plan_total=plan.total,
            )
        )
        return plan

    def consent(self, batch, plan, treatment, at) -> None:
        text = self.consent_texts[treatment.pk]
        batch.add(
            PlanConsent(
                pk=self.ids(PlanConsent),
                plan_id=plan.pk,
                consent_text_id=text.pk,
                text_version=text.version,
                text_body=text.body,
                full_name="Signed in clinic",
                signer_role="patient",
                signature=SIGNATURE,
                signed_at=at,
                channel="tablet",
            )
        )

    def book(self, batch: Batch, plan: Plan, session: PlanSession) -> str:
        """The session's appointment, after a missed or cancelled one now and then; returns
        the status of the one that stands for the session."""
        roll = self.rng.random()
        wanted = session.planned_date
        if roll < 0.08:
            history = "cancelled" if roll < 0.05 else "no_show"
            start, _ = self.appointment(batch, plan, session, wanted, history)
            wanted = timezone.localdate(start) + timedelta(days=7)
        return self.appointment(batch, plan, session, wanted, None)[1]

    def appointment(self, batch, plan, session, wanted, status) -> tuple[datetime, str]:
        treatment_needs_device = plan.treatment_id in self.machine
        start, (provider, room, device) = self.packer.place(
            wanted, session.duration_minutes, self.rng
        )
        if status is None:
            status = "done" if start < self.now else "booked"
        end = start + timedelta(minutes=session.duration_minutes)
        past = start < self.now
        batch.add(
            Appointment(
                pk=self.ids(Appointment),
                plan_session_id=session.pk,
                start=start,
                end=end,
                provider_id=provider,
                room_id=room,
                device_id=device if treatment_needs_device else None,
                status=status,
                status_reason="Patient asked to move it." if status == "cancelled" else "",
                booked_by_id=self.author,
                booked_at=start - timedelta(days=21),
                updated_at=end if past else start - timedelta(days=21),
                intake_reconfirmed=status == "done",
                recorded_by_id=provider if status in ("done", "no_show") else None,
                recorded_at=end if status in ("done", "no_show") else None,
            )
        )
        return start, status


def status_from(held: list[str], sessions: int) -> str:
    """A booked plan's status from its sessions' appointments (done or booked)."""
    done = held.count("done")
    if done == sessions:
        return "completed"
    return "in_progress" if done else "accepted"


def resources_for(*, patients: int, per_patient: int, years: float, rooms: int) -> int:
    """Rooms enough for the sessions over the years at the clinic's usual utilisation."""
    minutes = patients * per_patient * 1.1 * 35  # ~10% missed or moved, ~35 min a session
    per_room = 5 * 52 * years * (DAY_CLOSES - DAY_OPENS) * UTILISATION
    return max(rooms, math.ceil(minutes / per_room))
