"""Forms for booking and recording sessions: validation and layout only; views hand the
cleaned data to treatments.appointments.services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from clinic.formats.display import clock
from clinic.validators import PlausibleDateField, parse_plausible_date
from consultations import maps
from treatments.appointments.models import Appointment, AppointmentStatus, ProgressPhoto
from treatments.appointments.services import (
    AreaRecord,
    CourseChoices,
    NewPhoto,
    clean_photo,
    photo_max_bytes,
    slot_from_token,
    slot_token,
)
from treatments.catalog.models import BodyArea
from treatments.catalog.selectors import applicator_specs
from treatments.engine import slots as scheduling
from treatments.plans.models import PlanSession


def slot_label(
    slot: scheduling.Slot, names: dict[tuple[str, int], str], *, with_day: bool = True
) -> str:
    """ "Mon Jan 7, 9 a.m. to 9:30 a.m. · Priya · Room 1" (times in the clinic's format)."""
    times = f"{clock(slot.start)}\N{EN DASH}{clock(slot.end)}"
    parts = [
        f"{slot.start:%a %b} {slot.start.day}, {times}" if with_day else times,
        names.get(("provider", slot.provider_id), ""),
    ]
    if slot.room_id:
        parts.append(names.get(("room", slot.room_id), ""))
    if slot.device_id:
        parts.append(names.get(("device", slot.device_id), ""))
    return " · ".join(p for p in parts if p)


class SlotField(forms.ChoiceField):
    def to_python(self, value):
        value = super().to_python(value)
        return slot_from_token(value) if value else None

    def valid_value(self, value):
        # Choices are offered as tokens; the posted token is checked against the calendar by
        # the service (a slot may have been taken since the page was drawn).
        return True


def slot_choices(slots, names, *, with_day: bool = True) -> list[tuple[str, str]]:
    return [(slot_token(s), slot_label(s, names, with_day=with_day)) for s in slots]


# A day's slots in parts a tablet user can scan: (label, first hour of the part).
PARTS_OF_DAY = (("Morning", 0), ("Afternoon", 12), ("Evening", 17))


def part_of_day(hour: int) -> str:
    return [label for label, first in PARTS_OF_DAY if hour >= first][-1]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        help_text="Kept on the appointment; the patient does not see it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class RescheduleForm(ReasonForm):
    """One day's free slots (the page's day picker chooses the day) and the reason."""

    slot = SlotField(label="New time", widget=forms.RadioSelect)

    def __init__(self, *args, slots=(), names=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._starts = [s.start for s in slots]
        # One day's slots (the picker's) say only their times; a conflict's next free slots
        # may fall on several days.
        self._one_day = len({s.date() for s in self._starts}) <= 1
        self.fields["slot"].choices = slot_choices(slots, names or {}, with_day=not self._one_day)
        self.order_fields(["slot", "reason"])

    def slot_groups(self) -> list[tuple[str, list]]:
        """The slot radios grouped into morning, afternoon and evening, for a calmer list."""
        groups: dict[str, list] = {}
        for start, radio in zip(self._starts, self["slot"], strict=True):
            part = part_of_day(start.hour)
            label = part if self._one_day else f"{start:%a %b} {start.day} · {part.lower()}"
            groups.setdefault(label, []).append(radio)
        return list(groups.items())


class SessionBookForm(RescheduleForm):
    """A slot for one session; booking needs no reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False
        self.fields["reason"].widget = self.fields["reason"].hidden_widget()


class DateForm(forms.Form):
    day = PlausibleDateField(label="From")

    @classmethod
    def pick(cls, params, *, default: date) -> tuple[DateForm, date]:
        """The day asked for in `params` (or `default`), and the form that shows it."""
        form = cls(params or None)
        if form.is_valid():
            return form, form.cleaned_data["day"]
        if not form.is_bound:
            form = cls(initial={"day": default})
        return form, default


@dataclass(frozen=True)
class ProposalRow:
    session: PlanSession
    proposed: scheduling.ProposedSession | None
    field: forms.BoundField | None  # the slot select, for a session to book
    booked: Appointment | None  # its appointment, for a session booked already
    day: forms.BoundField | None = None  # the day whose slots the select offers
    problem: str = ""  # why that day offers nothing


class CourseBookingForm(forms.Form):
    """The course proposal: per unbooked session a day (the agreed one, or the nearest free
    day) and a select with every free slot of that day, the proposed one first and selected.
    Another day shows that day's slots (`show`); `book` books the selected slots."""

    SHOW, BOOK = "show", "book"

    def __init__(self, *args, choices: CourseChoices, names: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows: list[ProposalRow] = []
        self._numbers: dict[str, int] = {}
        for choice in choices.sessions:
            if choice.booked is not None:
                self.rows.append(ProposalRow(choice.session, choice.proposed, None, choice.booked))
                continue
            number = choice.session.number
            name = f"slot_{number}"
            options = slot_choices(choice.options, names)
            self.fields[name] = SlotField(label=f"Session {number}", choices=options)
            if options:
                self.fields[name].initial = options[0][0]
            self.fields[f"day_{number}"] = PlausibleDateField(
                label=f"Day of session {number}", required=False, initial=choice.day
            )
            self._numbers[name] = number
            self.rows.append(
                ProposalRow(
                    choice.session,
                    choice.proposed,
                    self[name],
                    None,
                    self[f"day_{number}"],
                    choice.problem,
                )
            )

    @staticmethod
    def days_asked(data) -> dict[int, date]:
        """Session number -> the day asked for in `data` (day_2=2030-01-07); bad ones are
        left out, so the proposal's day shows instead."""
        days = {}
        for key, value in data.items():
            number = key.removeprefix("day_")
            if key.startswith("day_") and number.isdigit():
                day = parse_plausible_date(value)
                if day is not None:
                    days[int(number)] = day
        return days

    def slots(self) -> dict[int, scheduling.Slot]:
        """Session number -> the slot chosen for it."""
        return {
            self._numbers[name]: value
            for name, value in self.cleaned_data.items()
            if name in self._numbers and value is not None
        }


STATUS_CHOICES = [
    (AppointmentStatus.DONE, "Done"),
    (AppointmentStatus.NO_SHOW, "No-show"),
    (AppointmentStatus.CANCELLED, "Cancelled"),
]

UNIT_FIELDS = {
    "vial": ("vials", "lot_numbers", "volume_ml"),
    "cycle": ("cycles",),
    "applicator": ("applicators",),
}


# The appointment's own fields the record form edits, and the per-area ones.
RECORD_FIELDS = ("intake_reconfirmed", "intake_changes", "side_effects", "notes", "weight_kg")
AREA_FIELDS = ("vials", "lot_numbers", "volume_ml", "cycles", "applicators", "pinch_mm")


class SessionRecordForm(forms.Form):
    """The session record: status, intake re-confirmation, what was done per area."""

    status = forms.ChoiceField(choices=STATUS_CHOICES, widget=forms.RadioSelect, initial="done")
    intake_reconfirmed = forms.BooleanField(
        required=False,
        label="I asked the patient: nothing has changed since the intake (health, medicines, "
        "pregnancy), or I noted what did",
    )
    intake_changes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="What changed"
    )
    weight_kg = forms.DecimalField(
        required=False,
        label="Weight (kg)",
        min_value=Decimal(30),
        max_value=Decimal(300),
        decimal_places=1,
    )
    side_effects = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a cancelled session, say why.",
    )

    def __init__(
        self,
        *args,
        areas: list[dict],
        area_names: dict[str, str],
        body_areas: dict[str, BodyArea] | None = None,
        photos: bool = False,
        planned_maps: dict[str, dict] | None = None,
        applicators: tuple = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.body_areas = body_areas or {}
        self.photo_fields = PHOTO_FIELDS if photos else ()
        for name in self.photo_fields:
            self.fields[name] = _photo_field(PHOTO_LABELS[name])
        if photos:
            self.fields["photo_area"] = forms.ChoiceField(
                label="Photos show",
                required=False,
                choices=[("", "The treated area")]
                + [(code, area.name) for code, area in self.body_areas.items()],
            )
        self.planned_maps = planned_maps or {}
        self.applicators = applicators
        self.area_rows = []
        for item in areas:
            code = item["area"]
            unit = item.get("unit", "")
            fields = []
            for name in (*UNIT_FIELDS.get(unit, ()), "pinch_mm"):
                key = f"{code}__{name}"
                self.fields[key] = _area_field(name, item)
                fields.append(key)
            fields += self._map_fields(code)
            self.area_rows.append(
                {
                    "code": code,
                    "name": area_names.get(code, code),
                    "item": item,
                    "fields": fields,
                    "planned_map": self.planned_maps.get(code),
                }
            )

    def _map_fields(self, code: str) -> list[str]:
        """With a planned map: the sites injected (planned: the grid's count) or the
        applicators placed (planned: the plan's placements), for the provider to confirm or
        correct."""
        planned = self.planned_maps.get(code)
        if not planned:
            return []
        keys = []
        if planned.get("sites"):
            key = f"{code}__sites_injected"
            count = len(planned["sites"])
            self.fields[key] = forms.IntegerField(
                label="Sites injected",
                required=False,
                min_value=0,
                max_value=500,
                initial=count,
                help_text=f"Planned: {count} on the map.",
            )
            keys.append(key)
        if planned.get("placements"):
            key = f"{code}__placements_done"
            self.fields[key] = forms.CharField(
                label="Applicators placed (one a line: name @ x, y)",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial="\n".join(
                    f"{p['name']} @ {_cm(p['x'])}, {_cm(p['y'])}" for p in planned["placements"]
                ),
                help_text=f"Planned: {len(planned['placements'])} on the map.",
            )
            keys.append(key)
        return keys

    @classmethod
    def for_appointment(
        cls,
        data,
        files=None,
        *,
        appointment: Appointment,
        body_areas: dict[str, BodyArea],
        photos: bool = False,
    ) -> SessionRecordForm:
        """The record form for an appointment, filled with what was recorded so far (a booked
        session is about to be done); with before/after photo fields when `photos`."""
        initial = {
            "status": appointment.status
            if appointment.status != AppointmentStatus.BOOKED
            else AppointmentStatus.DONE,
            **{name: getattr(appointment, name) for name in RECORD_FIELDS},
        }
        planned_maps = {m["area"]: m for m in appointment.plan_session.plan.option.get("maps", [])}
        # Only a mapped plan needs the applicators (to read and write placements).
        applicators = applicator_specs() if planned_maps else ()
        for row in appointment.treated_areas.select_related("area"):
            for name in AREA_FIELDS:
                initial[f"{row.area.code}__{name}"] = getattr(row, name)
            if row.sites_injected is not None:
                initial[f"{row.area.code}__sites_injected"] = row.sites_injected
            if row.placements_done:
                initial[f"{row.area.code}__placements_done"] = maps.format_placements(
                    row.placements_done, applicators
                )
        return cls(
            data,
            files,
            initial=initial,
            areas=list(appointment.plan_session.areas or []),
            area_names={code: area.name for code, area in body_areas.items()},
            body_areas=body_areas,
            photos=photos,
            planned_maps=planned_maps,
            applicators=applicators,
        )

    def _clean_photo(self, name: str):
        """Decode the photo now, so a bad one is refused beside its field together with any
        other mistake in the record."""
        upload = self.cleaned_data.get(name)
        return clean_photo(upload) if upload else None

    def clean_before_photo(self):
        return self._clean_photo("before_photo")

    def clean_after_photo(self):
        return self._clean_photo("after_photo")

    def photos_chosen(self) -> bool:
        """Whether a photo was sent (a page shown again cannot keep a chosen file)."""
        return any(self.files.get(self.add_prefix(name)) for name in self.photo_fields)

    def new_photos(self) -> list[NewPhoto]:
        area = self.body_areas.get(self.cleaned_data.get("photo_area") or "")
        if area is None and len(self.body_areas) == 1:
            area = next(iter(self.body_areas.values()))
        return [
            NewPhoto(PHOTO_KINDS[name], self.cleaned_data[name], area)
            for name in self.photo_fields
            if self.cleaned_data.get(name) is not None
        ]

    def clean(self):
        data = super().clean()
        if data.get("status") == AppointmentStatus.DONE:
            for row in self.area_rows:
                vials_key = f"{row['code']}__vials"
                lots_key = f"{row['code']}__lot_numbers"
                if data.get(vials_key) and not (data.get(lots_key) or "").strip():
                    self.add_error(lots_key, "Record the lot number of every vial used.")
                elif row["planned_map"] and data.get(vials_key):
                    self._check_lot_per_vial(data, vials_key, lots_key)
                self._clean_placements_done(data, row["code"])
        return data

    def _check_lot_per_vial(self, data, vials_key: str, lots_key: str) -> None:
        """A mapped area records a lot number for each vial (the same lot may repeat)."""
        lots = [lot for lot in (data.get(lots_key) or "").split(",") if lot.strip()]
        if lots and len(lots) != data[vials_key]:
            self.add_error(
                lots_key,
                f"Give one lot number per vial: {data[vials_key]} vials, {len(lots)} lot "
                "numbers (repeat a lot used twice).",
            )

    def _clean_placements_done(self, data, code: str) -> None:
        key = f"{code}__placements_done"
        if key not in self.fields:
            return
        try:
            data[key] = maps.parse_placements(data.get(key) or "", self.applicators)
        except ValueError as exc:
            self.add_error(key, str(exc))

    def area_records(self) -> list[dict]:
        out = []
        for row in self.area_rows:
            values = {key.split("__", 1)[1]: self.cleaned_data.get(key) for key in row["fields"]}
            out.append({"code": row["code"], **values})
        return out

    def record(self) -> dict:
        """The keyword arguments of services.session_record, from the cleaned data."""
        data = self.cleaned_data
        areas = [
            AreaRecord(
                area=self.body_areas[r["code"]],
                vials=r.get("vials"),
                lot_numbers=r.get("lot_numbers") or "",
                volume_ml=r.get("volume_ml"),
                cycles=r.get("cycles"),
                applicators=r.get("applicators"),
                pinch_mm=r.get("pinch_mm"),
                planned_map=self.planned_maps.get(r["code"]),
                sites_injected=r.get("sites_injected"),
                placements_done=r.get("placements_done"),
            )
            for r in self.area_records()
            if r["code"] in self.body_areas
        ]
        return {
            "status": data["status"],
            **{name: data[name] for name in RECORD_FIELDS},
            "areas": areas,
            "photos": self.new_photos(),
        }

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a refusal of the service on the field it names, or above the form."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)

    def bound_rows(self):
        return [{**row, "bound": [self[key] for key in row["fields"]]} for row in self.area_rows]


def _area_field(name: str, item: dict) -> forms.Field:
    planned = item.get("units")
    if name == "lot_numbers":
        return forms.CharField(
            label="Lot number(s)", required=False, max_length=200, help_text="Comma-separated."
        )
    if name == "volume_ml":
        return forms.DecimalField(
            label="Volume (mL)",
            required=False,
            min_value=Decimal(0),
            max_value=Decimal(50),
            decimal_places=1,
        )
    if name == "pinch_mm":
        return forms.DecimalField(
            label="Pinch (mm)",
            required=False,
            min_value=Decimal(1),
            max_value=Decimal(150),
            decimal_places=1,
            help_text="Measured before treating.",
        )
    label = {"vials": "Vials", "cycles": "Cycles", "applicators": "Applicators"}[name]
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=50,
        initial=planned,
        help_text=f"Planned: {planned}" if planned is not None else "",
    )


def _cm(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


PHOTO_FIELDS = ("before_photo", "after_photo")
PHOTO_LABELS = {"before_photo": "Before photo", "after_photo": "After photo"}
PHOTO_KINDS = {"before_photo": ProgressPhoto.BEFORE, "after_photo": ProgressPhoto.AFTER}


class PhotoInput(forms.FileInput):
    """A phone's camera or its gallery; JPEG, PNG or WebP."""

    def __init__(self):
        super().__init__(attrs={"accept": "image/jpeg,image/png,image/webp"})


def _photo_field(label: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        widget=PhotoInput(),
        validators=[_photo_size],
        help_text=f"JPEG, PNG or WebP, up to {photo_max_bytes() // 1_048_576} MB.",
    )


def _photo_size(image) -> None:
    if image.size > photo_max_bytes():
        raise ValidationError(
            f"The photo is {image.size / 1_048_576:.1f} MB; the limit is "
            f"{photo_max_bytes() / 1_048_576:.0f} MB."
        )
