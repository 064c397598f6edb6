"""Forms for booking and recording sessions: validation and layout only; views hand the
cleaned data to treatments.appointments.services."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from treatments.appointments.models import AppointmentStatus, ProgressPhoto
from treatments.appointments.services import photo_max_bytes, slot_from_token, slot_token
from treatments.catalog.models import BodyArea
from treatments.engine import slots as scheduling


def slot_label(slot: scheduling.Slot, names: dict[tuple[str, int], str]) -> str:
    parts = [
        f"{slot.start:%a %b} {slot.start.day}, {slot.start:%H:%M}-{slot.end:%H:%M}",
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


def slot_choices(slots, names) -> list[tuple[str, str]]:
    return [(slot_token(s), slot_label(s, names)) for s in slots]


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
    slot = SlotField(label="New time", widget=forms.RadioSelect)

    def __init__(self, *args, slots=(), names=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = slot_choices(slots, names or {})
        self.order_fields(["slot", "reason"])


class DateForm(forms.Form):
    day = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))


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

    def __init__(self, *args, areas: list[dict], area_names: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.area_rows = []
        for item in areas:
            code = item["area"]
            unit = item.get("unit", "")
            fields = []
            for name in (*UNIT_FIELDS.get(unit, ()), "pinch_mm"):
                key = f"{code}__{name}"
                self.fields[key] = _area_field(name, item)
                fields.append(key)
            self.area_rows.append(
                {"code": code, "name": area_names.get(code, code), "item": item, "fields": fields}
            )

    def clean(self):
        data = super().clean()
        if data.get("status") == AppointmentStatus.DONE:
            for row in self.area_rows:
                vials_key = f"{row['code']}__vials"
                lots_key = f"{row['code']}__lot_numbers"
                if data.get(vials_key) and not (data.get(lots_key) or "").strip():
                    self.add_error(lots_key, "Record the lot number of every vial used.")
        return data

    def area_records(self) -> list[dict]:
        out = []
        for row in self.area_rows:
            values = {key.split("__", 1)[1]: self.cleaned_data.get(key) for key in row["fields"]}
            out.append({"code": row["code"], **values})
        return out

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


class PhotoForm(forms.Form):
    image = forms.FileField(
        label="Photo",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
        ),
    )
    kind = forms.ChoiceField(choices=ProgressPhoto.KINDS, initial=ProgressPhoto.BEFORE)
    area = forms.ModelChoiceField(queryset=BodyArea.objects.none(), required=False)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else BodyArea.objects.all()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image.size > photo_max_bytes():
            raise ValidationError(
                f"The photo is {image.size / 1_048_576:.1f} MB; the limit is "
                f"{photo_max_bytes() / 1_048_576:.0f} MB."
            )
        return image
