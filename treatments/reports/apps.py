from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "treatments.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from treatments.appointments.models import Appointment
        from treatments.appointments.signals import appointments_replaced
        from treatments.plans.models import PlanStatusChange
        from treatments.reports import summaries

        uid = "reports-summaries"
        pre_save.connect(summaries.before_save, sender=Appointment, dispatch_uid=uid)
        post_save.connect(summaries.after_save, sender=Appointment, dispatch_uid=uid)
        post_delete.connect(summaries.after_delete, sender=Appointment, dispatch_uid=uid)
        appointments_replaced.connect(summaries.after_bulk_write, dispatch_uid=uid)
        pre_save.connect(summaries.change_before_save, sender=PlanStatusChange, dispatch_uid=uid)
        post_save.connect(summaries.change_after_save, sender=PlanStatusChange, dispatch_uid=uid)
        post_delete.connect(
            summaries.change_after_delete, sender=PlanStatusChange, dispatch_uid=uid
        )
