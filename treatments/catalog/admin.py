from django import forms
from django.contrib import admin

from treatments.catalog.models import (
    WEEKDAYS,
    ApplicatorType,
    BodyArea,
    CatalogSettings,
    ClinicClosure,
    Condition,
    ConditionRule,
    SuitabilityRule,
    Treatment,
)


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(BodyArea)
class BodyAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]
    list_editable = ["sort_order"]


class ConditionRuleInline(admin.TabularInline):
    model = ConditionRule
    extra = 0
    autocomplete_fields = ["condition"]


class SuitabilityRuleInline(admin.TabularInline):
    model = SuitabilityRule
    extra = 0


class ApplicatorTypeInline(admin.TabularInline):
    model = ApplicatorType
    extra = 0
    fields = [
        "code",
        "name",
        "width_cm",
        "height_cm",
        "cycle_minutes",
        "price_per_cycle",
        "active",
        "sort_order",
    ]


@admin.register(ApplicatorType)
class ApplicatorTypeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "treatment",
        "width_cm",
        "height_cm",
        "cycle_minutes",
        "price_per_cycle",
        "active",
    ]
    list_filter = ["treatment", "active"]
    list_select_related = ["treatment"]
    search_fields = ["code", "name"]


@admin.register(Treatment)
class TreatmentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "active",
        "unit",
        "price_per_unit",
        "min_sessions",
        "max_sessions",
        "min_interval_days",
    ]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["cleared_areas"]
    inlines = [ConditionRuleInline, SuitabilityRuleInline, ApplicatorTypeInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "active", "sort_order", "how_it_works"]}),
        (
            "Price",
            {
                "fields": [
                    "unit",
                    "unit_plural",
                    "unit_description",
                    "price_per_unit",
                    ("units_small", "units_medium", "units_large"),
                ]
            },
        ),
        (
            "One session",
            {
                "fields": [
                    "max_units_per_round",
                    "max_rounds_per_visit",
                    ("session_base_minutes", "minutes_per_unit", "minutes_per_round"),
                ]
            },
        ),
        (
            "The course",
            {
                "fields": [
                    ("min_sessions", "max_sessions"),
                    ("min_interval_days", "usual_interval_days"),
                    "reduction_percent",
                    "min_pinch_mm",
                    ("bmi_limit", "bmi_limit_submental"),
                ]
            },
        ),
        (
            "Timeline",
            {
                "fields": [
                    ("downtime_days", "downtime_note"),
                    ("first_results_weeks", "final_results_weeks"),
                ]
            },
        ),
        (
            "For staff and patients",
            {
                "fields": [
                    "side_effects",
                    "serious_risks",
                    "cleared_areas",
                    "regulatory_note",
                    "aftercare",
                ]
            },
        ),
        (
            "Treatment map",
            {
                "description": "How a zone drawn on the body diagram becomes units: an "
                "injection grid (spacing, dose, vial, the label's caps) or applicator "
                "placements (the applicators below).",
                "fields": [
                    "map_kind",
                    ("grid_spacing_cm", "dose_ml_per_site", "ml_per_unit"),
                    ("max_sites_per_session", "max_ml_per_session"),
                ],
            },
        ),
        # What a session of each treatment takes, beside the catalog's numbers.
        ("Booking", {"fields": [("needs_room", "needs_device")]}),
    ]


@admin.register(ConditionRule)
class ConditionRuleAdmin(admin.ModelAdmin):
    list_display = ["condition", "treatment", "action", "sentence"]
    list_filter = ["action", "treatment"]
    search_fields = ["condition__name", "condition__code", "sentence"]
    list_select_related = ["condition", "treatment"]


@admin.register(SuitabilityRule)
class SuitabilityRuleAdmin(admin.ModelAdmin):
    list_display = ["treatment", "factor", "points", "reason"]
    list_filter = ["treatment", "factor"]
    list_select_related = ["treatment"]


class CatalogSettingsForm(forms.ModelForm):
    closed_weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Sessions are never planned on these weekdays.",
    )

    class Meta:
        model = CatalogSettings
        fields = [
            "course_discount_percent",
            "course_discount_min_sessions",
            "deposit_percent",
            "payment_plan_months",
            "default_goal_pinch_mm",
            "weight_loss_warning_bmi",
            "closed_weekdays",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["closed_weekdays"] = self.instance.weekdays_closed()

    def clean_closed_weekdays(self) -> str:
        return ",".join(str(day) for day in sorted(self.cleaned_data["closed_weekdays"]))


@admin.register(CatalogSettings)
class CatalogSettingsAdmin(admin.ModelAdmin):
    form = CatalogSettingsForm
    list_display = [
        "__str__",
        "course_discount_percent",
        "course_discount_min_sessions",
        "deposit_percent",
        "payment_plan_months",
        "closed_weekdays",
    ]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not CatalogSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ClinicClosure)
class ClinicClosureAdmin(admin.ModelAdmin):
    """Closed days: the clinic's own and the seeded public holidays, edited and deleted alike
    (a deleted holiday is not seeded again)."""

    list_display = ["date", "reason", "source"]
    list_filter = ["source"]
    date_hierarchy = "date"
    fields = ["date", "reason", "source"]
    readonly_fields = ["source"]


# Sessions (issue 6): rooms, devices, hours, providers.
