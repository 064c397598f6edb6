from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "treatments.plans"
    label = "plans"
    verbose_name = "Plans and consent"
