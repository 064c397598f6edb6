"""Admin for the clinic's resources and hours (Clinic admins); imported by treatments/admin.py."""

from django.contrib import admin

from treatments.admin import TreatmentAdmin
from treatments.models import Device, OpeningHours, ProviderHours, ProviderProfile, Room

# What a session of each treatment takes, beside the catalog's numbers.
TreatmentAdmin.fieldsets = [
    *TreatmentAdmin.fieldsets,
    ("Booking", {"fields": [("needs_room", "needs_device")]}),
]


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "starts", "ends"]
    list_editable = ["starts", "ends"]
    list_display_links = ["weekday"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "sort_order"]
    list_editable = ["active", "sort_order"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["name", "serial_number", "active"]
    list_filter = ["active", "treatments"]
    filter_horizontal = ["treatments"]


class ProviderHoursInline(admin.TabularInline):
    model = ProviderHours
    extra = 0


@admin.register(ProviderProfile)
class ProviderProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "active"]
    filter_horizontal = ["treatments"]
    inlines = [ProviderHoursInline]
    readonly_fields = ["feed_path"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    actions = ["new_feed_token"]

    @admin.display(description="Calendar feed")
    def feed_path(self, obj):
        from django.urls import reverse

        if not obj.pk:
            return "Shown after saving."
        return reverse("treatments:provider-feed", args=[obj.ical_token])

    @admin.action(description="Give a new calendar feed URL (the old one stops working)")
    def new_feed_token(self, request, queryset):
        from treatments.models_scheduling import new_ical_token

        for profile in queryset:
            profile.ical_token = new_ical_token()
            profile.save(update_fields=["ical_token"])
