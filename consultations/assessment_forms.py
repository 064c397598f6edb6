"""The assessment form: measurements, one row per area (add and remove rows), and the
provider's changes to the intake's conditions. Validation and layout only."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from consultations import maps
from consultations.models import AreaSize, Assessment, ConditionAction, Consistency, SkinLaxity
from treatments.catalog.models import BodyArea, Condition
from treatments.engine import geometry

HEIGHT_CM = (Decimal(120), Decimal(230))
WEIGHT_KG = (Decimal(30), Decimal(300))
PINCH_MM = (1, 150)


def _range_error(label: str, low, high, unit: str) -> str:
    return f"{label} must be between {low} and {high} {unit}; check the measurement."


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["assessed_on", "height_cm", "weight_kg", "weight_stable", "goals"]
        labels = {
            "assessed_on": "Date",
            "height_cm": "Height (cm)",
            "weight_kg": "Weight (kg)",
            "weight_stable": "Weight stable for the last 6 months",
            "goals": "Goals",
        }
        widgets = {
            "assessed_on": forms.DateInput(attrs={"type": "date"}),
            "height_cm": forms.NumberInput(attrs={"step": "0.5", "min": 120, "max": 230}),
            "weight_kg": forms.NumberInput(attrs={"step": "0.1", "min": 30, "max": 300}),
            "goals": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()

    def clean_assessed_on(self):
        value = self.cleaned_data["assessed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("An assessment cannot be dated in the future.")
        return value

    def clean_height_cm(self):
        value = self.cleaned_data["height_cm"]
        if not HEIGHT_CM[0] <= value <= HEIGHT_CM[1]:
            raise forms.ValidationError(_range_error("Height", *HEIGHT_CM, "cm"))
        return value

    def clean_weight_kg(self):
        value = self.cleaned_data["weight_kg"]
        if not WEIGHT_KG[0] <= value <= WEIGHT_KG[1]:
            raise forms.ValidationError(_range_error("Weight", *WEIGHT_KG, "kg"))
        return value


class AreaForm(forms.Form):
    area = forms.ModelChoiceField(queryset=BodyArea.objects.none(), empty_label="Choose an area")
    pinch_mm = forms.IntegerField(
        label="Pinch (mm)", widget=forms.NumberInput(attrs={"min": 1, "max": 150})
    )
    size = forms.ChoiceField(choices=[("", "Size"), *list(AreaSize.choices)])
    consistency = forms.ChoiceField(choices=Consistency.choices, initial=Consistency.SOFT)
    skin_laxity = forms.ChoiceField(
        label="Skin laxity", choices=SkinLaxity.choices, initial=SkinLaxity.NONE
    )

    # The treatment map (optional): typed or drawn; the diagram's script fills these in.
    zone_points = forms.CharField(
        label="Zone corners (x, y in cm)",
        required=False,
        max_length=4000,
        widget=forms.TextInput(attrs={"placeholder": "12, 30; 40, 30; 40, 44; 12, 44"}),
    )
    zone_width_cm = forms.DecimalField(
        label="Width (cm)", required=False, max_digits=5, decimal_places=1
    )
    zone_height_cm = forms.DecimalField(
        label="Height (cm)", required=False, max_digits=5, decimal_places=1
    )
    placements = forms.CharField(
        label="Applicators (one a line: name @ x, y)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Large vacuum cup @ 20, 37"}),
    )

    MAP_FIELDS = ("zone_points", "zone_width_cm", "zone_height_cm", "placements")

    def __init__(self, *args, areas=None, catalog=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        self.map_preview = None
        self.fields["area"].queryset = areas if areas is not None else BodyArea.objects.all()
        self.fields["size"].choices = [("", "Choose a size")] + [
            (value, label.split(" (")[0]) for value, label in AreaSize.choices
        ]

    def clean_pinch_mm(self):
        value = self.cleaned_data["pinch_mm"]
        if not PINCH_MM[0] <= value <= PINCH_MM[1]:
            raise forms.ValidationError(_range_error("The pinch", *PINCH_MM, "mm"))
        return value

    def clean_zone_points(self):
        try:
            return maps.parse_points(self.cleaned_data.get("zone_points", ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_placements(self):
        applicators = self.catalog.applicators if self.catalog else ()
        try:
            return maps.parse_placements(self.cleaned_data.get("placements", ""), applicators)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        """The map in centimetres: a typed width x height becomes a rectangle at the area's
        place on the diagram unless corners were drawn; then every rule of the geometry, each
        message at the field it is about. Nothing typed is dropped: errors re-show it."""
        data = super().clean()
        area = data.get("area")
        if area is None or self.catalog is None:
            return data
        width, height = data.get("zone_width_cm"), data.get("zone_height_cm")
        points = data.get("zone_points")
        from_size = False
        if (width is None) != (height is None):
            self.add_error("zone_width_cm", "Give both the width and the height in cm, or neither.")
        elif width is not None:
            problems = geometry.size_errors(float(width), float(height))
            if problems:
                self.add_error("zone_width_cm", problems)
            elif points == []:
                points, from_size = maps.zone_from_size(area.code, width, height), True
        placements = data.get("placements")
        if points is None or placements is None:
            return data
        errors = maps.map_errors(
            area_code=area.code, points=points, placements=placements, catalog=self.catalog
        )
        for field, messages in errors.items():
            target = "zone_width_cm" if field == "zone_points" and from_size else field
            self.add_error(target, messages)
        data["zone_points"] = points
        self.map_preview = maps.area_map(
            area_code=area.code,
            area_name=area.name,
            points=points,
            placements=placements,
            catalog=self.catalog,
        )
        return data


class BaseAreaFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen: dict[int, str] = {}
        rows = 0
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            area = form.cleaned_data.get("area")
            if area is None:
                continue
            rows += 1
            if area.pk in seen:
                form.add_error("area", f"The {area.name.lower()} is already listed above.")
                raise forms.ValidationError(
                    f"Each area may be recorded once; the {area.name.lower()} is listed twice."
                )
            seen[area.pk] = area.name
        if rows == 0:
            raise forms.ValidationError("Record at least one area.")

    def areas(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not (self.can_delete and self._should_delete_form(form))
            and form.cleaned_data.get("area")
        ]


AreaFormSet = forms.formset_factory(
    AreaForm, formset=BaseAreaFormSet, extra=0, min_num=1, can_delete=True, max_num=9
)


class ConditionChangeForm(forms.Form):
    action = forms.ChoiceField(choices=ConditionAction.choices)
    condition = forms.ModelChoiceField(
        queryset=Condition.objects.none(), empty_label="Choose a condition"
    )
    reason = forms.CharField(
        max_length=500, widget=forms.TextInput(attrs={"placeholder": "Why (recorded)"})
    )

    def __init__(self, *args, conditions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].queryset = (
            conditions if conditions is not None else Condition.objects.all()
        )
        self.fields["action"].choices = [("add", "Add"), ("clear", "Clear")]
        self.fields["reason"].error_messages["required"] = (
            "Give a reason: the change is recorded with it."
        )


class BaseConditionChangeFormSet(forms.BaseFormSet):
    def changes(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]


ConditionChangeFormSet = forms.formset_factory(
    ConditionChangeForm, formset=BaseConditionChangeFormSet, extra=0, can_delete=True, max_num=20
)
