"""Admin for the clinic's resources and hours (Clinic admins)."""

from django.contrib import admin
from django.urls import reverse

from treatments.appointments.models import (
    Device,
    OpeningHours,
    ProviderHours,
    ProviderProfile,
    Room,
    new_ical_token,
)


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
        if not obj.pk:
            return "Shown after saving."
        return reverse("appointments:provider-feed", args=[obj.ical_token])

    @admin.action(description="Give a new calendar feed URL (the old one stops working)")
    def new_feed_token(self, request, queryset):
        for profile in queryset:
            profile.ical_token = new_ical_token()
            profile.save(update_fields=["ical_token"])
