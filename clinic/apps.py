from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from clinic import (
            checks,  # noqa: F401 - registers the deploy checks
            security,  # noqa: F401  (connects the idle clock to user_logged_in)
        )
        from clinic.audit import admin as audit_admin
        from clinic.audit import panels as audit_panels
        from clinic.audit import registry as audit_registry
        from clinic.records import panels as records_panels
        from clinic.roles import sync_roles_after_migrate

        # Every app's models exist by now, and the admin has been autodiscovered.
        audit_registry.register()
        audit_admin.register()
        audit_panels.register()
        records_panels.register()

        # Sent once per app; as the last installed app, every permission exists by then.
        post_migrate.connect(sync_roles_after_migrate, sender=self)
