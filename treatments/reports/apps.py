from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "treatments.reports"
    label = "reports"
    verbose_name = "Reports"
