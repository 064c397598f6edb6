from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "treatments.appointments"
    label = "appointments"
    verbose_name = "Sessions"

    def ready(self) -> None:
        # The patient page's progress panel and session events on the timeline.
        from treatments.appointments import panels

        panels.register()
