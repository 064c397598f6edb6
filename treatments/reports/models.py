"""Reports read the other apps' tables; they own none. This unmanaged model only carries the
reports' permissions (no table is created), so each role gets exactly the reports it may
read: money is for Clinic admins only."""

from django.db import models


class Report(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_business", "Can read the business reports (funnel, money, attendance)"),
            ("view_utilisation", "Can read the utilisation of providers, rooms and devices"),
            ("view_outcomes", "Can read measured against assumed reduction per treatment"),
        ]

    def __str__(self) -> str:
        return "Report"
