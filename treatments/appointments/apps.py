from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "treatments.appointments"
    label = "appointments"
    verbose_name = "Sessions"

    def ready(self) -> None:
        # The patient page's progress panel and session events on the timeline.
        from treatments.appointments import panels

        panels.register()

        # Outcome warnings are refreshed whenever a session's record is saved.
        from django.db.models.signals import post_save

        from treatments.appointments import outcomes
        from treatments.appointments.models import Appointment

        post_save.connect(outcomes.sync_after_record, sender=Appointment, dispatch_uid="outcomes")
