"""Consent texts (versioned) and signed consents (read-only) for Clinic admins."""

from django.contrib import admin, messages

from treatments.plans import services
from treatments.plans.models import ConsentText, PlanConsent


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """Consent texts are versioned: saving an edit publishes the next version, and every
    signed consent keeps the text and version it signed."""

    list_display = ["title", "treatment", "version", "published_at"]
    list_filter = ["treatment"]
    readonly_fields = ["version", "published_at", "created_by"]
    fields = ["treatment", "title", "body", "version", "published_at", "created_by"]

    def save_model(self, request, obj, form, change):
        saved = services.consent_text_publish(
            treatment=obj.treatment, title=obj.title, body=obj.body, by=request.user
        )
        obj.pk, obj.version = saved.pk, saved.version
        if change:
            messages.info(
                request,
                f"Saved as version {saved.version}; consents already signed keep the version "
                "they signed.",
            )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanConsent)
class PlanConsentAdmin(admin.ModelAdmin):
    """Signed consents, read-only: the record of what each patient signed."""

    list_display = ["full_name", "plan", "text_version", "signed_at", "channel", "ip_address"]
    list_filter = ["channel"]
    search_fields = ["full_name"]
    list_select_related = ["plan__treatment", "plan__patient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
