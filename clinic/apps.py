from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from clinic import checks  # noqa: F401 - registers the deploy checks
        from clinic.roles import sync_roles_after_migrate

        # Sent once per app; as the last installed app, every permission exists by then.
        post_migrate.connect(sync_roles_after_migrate, sender=self)
