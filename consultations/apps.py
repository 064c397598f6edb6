from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Patients and consultations"

    def ready(self) -> None:
        # The patient page's own panels and timeline events; the apps above add theirs in
        # their ready(), so no import decides what the page shows.
        from consultations import panels

        panels.register()
