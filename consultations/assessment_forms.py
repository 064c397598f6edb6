"""The assessment form: measurements, one row per area (add and remove rows), and the
provider's changes to the intake's conditions. Validation and layout only."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from consultations.models import AreaSize, Assessment, ConditionAction, Consistency, SkinLaxity
from treatments.catalog.models import BodyArea, Condition

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

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else BodyArea.objects.all()
        self.fields["size"].choices = [("", "Choose a size")] + [
            (value, label.split(" (")[0]) for value, label in AreaSize.choices
        ]

    def clean_pinch_mm(self):
        value = self.cleaned_data["pinch_mm"]
        if not PINCH_MM[0] <= value <= PINCH_MM[1]:
            raise forms.ValidationError(_range_error("The pinch", *PINCH_MM, "mm"))
        return value


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
