from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from clinic.roles import CLINIC_ADMIN


class ContourAdminSite(admin.AdminSite):
    """The catalog editor: open to Clinic admins (and superusers), not to every staff user."""

    site_header = f"{settings.CLINIC_NAME} — catalog and settings"
    site_title = f"{settings.CLINIC_NAME} admin"
    index_title = "Treatments, prices, rules and questionnaires"
    site_url = "/"

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or user.groups.filter(name=CLINIC_ADMIN).exists()


class ContourAdminConfig(AdminConfig):
    default_site = "clinic.admin_site.ContourAdminSite"
