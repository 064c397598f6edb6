from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "treatments.plans"
    label = "plans"
    verbose_name = "Plans and consent"

    def ready(self) -> None:
        # The patient page's plans and the assessment page's plans, and plan events on the
        # timeline (consultations shows them without importing this app).
        from treatments.plans import panels

        panels.register()
