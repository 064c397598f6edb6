from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "treatments.appointments"
    label = "appointments"
    verbose_name = "Sessions"
