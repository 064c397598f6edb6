"""Reading the audit log: the search behind the audit page and an object's history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

VIEW_AUDIT = "auditlog.view_logentry"
ACTIONS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
    "access": LogEntry.Action.ACCESS,
}


@dataclass(frozen=True)
class AuditFilters:
    patient_ids: list[int] | None = None  # None: any patient (or none)
    user: str = ""  # a username, or part of one
    since: datetime.date | None = None
    until: datetime.date | None = None  # inclusive
    kind: int | None = None  # a content type id
    action: int | None = None


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def entries(filters: AuditFilters) -> QuerySet[LogEntry]:
    """The log newest first (by id: entries are written in time order, and the keyset pages
    need a unique key), with actor and content type joined (one query per page)."""
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-pk")
    if filters.patient_ids is not None:
        qs = qs.filter(additional_data__patient_id__in=filters.patient_ids)
    if filters.user:
        qs = qs.filter(
            Q(actor__username__icontains=filters.user) | Q(actor_email__icontains=filters.user)
        )
    if filters.since:
        qs = qs.filter(timestamp__gte=_day_start(filters.since))
    if filters.until:
        qs = qs.filter(timestamp__lt=_day_start(filters.until + datetime.timedelta(days=1)))
    if filters.kind is not None:
        qs = qs.filter(content_type_id=filters.kind)
    if filters.action is not None:
        qs = qs.filter(action=filters.action)
    return qs


def kinds() -> list[ContentType]:
    """The kinds of record the log holds entries for (the audit page's choice list)."""
    from clinic.audit.registry import audited_models

    return sorted(
        ContentType.objects.get_for_models(*audited_models()).values(),
        key=lambda ct: (ct.app_label, ct.model),
    )


def history_for(obj, limit: int = 20) -> list[LogEntry]:
    """The latest entries about one object (its page's history panel; one query)."""
    return list(
        LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-pk")[:limit]
    )


def history_for_patient(patient_id: int, limit: int = 20) -> list[LogEntry]:
    """The latest entries about a patient and everything of theirs (one query)."""
    return list(
        LogEntry.objects.filter(additional_data__patient_id=patient_id)
        .select_related("actor", "content_type")
        .order_by("-pk")[:limit]
    )
