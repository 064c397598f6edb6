"""The reports' own tables.

`Report` is unmanaged: it only carries the reports' permissions (no table is created), so
each role gets exactly the reports it may read: money is for Clinic admins only.

`WeeklyUtilisation` and `DailyAttendance` are running totals over the appointments, so a
report over a clinic's years reads a few thousand summary rows instead of aggregating
hundreds of thousands of appointments per request (measured: about 450 ms per aggregate at
100,000 patients and a million appointments). They are derived data only: every change to
an appointment adjusts them in the same transaction (`treatments.reports.summaries`), bulk
writers rebuild them, and tests/reports hold them equal to the live aggregate.
"""

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


class ResourceKind(models.TextChoices):
    PROVIDER = "provider", "Provider"
    ROOM = "room", "Room"
    DEVICE = "device", "Device"


class WeeklyUtilisation(models.Model):
    """The sessions that hold a provider, room or device (booked, done, no-show) in one week
    (Monday, in the clinic's time zone) and their length in seconds."""

    week = models.DateField()
    kind = models.CharField(max_length=8, choices=ResourceKind.choices)
    resource_id = models.BigIntegerField()
    sessions = models.IntegerField(default=0)
    seconds = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["week", "kind", "resource_id"], name="reports_weekly_utilisation_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.resource_id}, week of {self.week}: {self.sessions}"


class DailyAttendance(models.Model):
    """How many sessions of each status start on a day (in the clinic's time zone)."""

    day = models.DateField()
    status = models.CharField(max_length=16)
    sessions = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["day", "status"], name="reports_daily_attendance_key")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.status}: {self.sessions}"


class MonthlyPlanValue(models.Model):
    """Plans that reached a status (presented, accepted, completed) in a month (in the clinic's
    time zone), per treatment: how many distinct plans, and the sum of the plans' totals at
    each change."""

    month = models.DateField()  # its first day
    treatment_id = models.BigIntegerField()  # 0 when the change recorded none
    to_status = models.CharField(max_length=12)
    plans = models.IntegerField(default=0)
    value = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["month", "treatment_id", "to_status"],
                name="reports_monthly_plan_value_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.to_status}: {self.plans}"
