"""The audit log in the admin: read-only for everyone, superusers included. auditlog's own
admin would let a superuser delete entries; this one never does."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin


class ReadOnlyLogEntryAdmin(LogEntryAdmin):
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def register() -> None:
    if admin.site.is_registered(LogEntry):
        admin.site.unregister(LogEntry)
    admin.site.register(LogEntry, ReadOnlyLogEntryAdmin)
