"""Clock times and moments written for people from Python (messages, labels, emails,
calendar summaries), in the clinic's time zone and its one format (clinic/formats/en)."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import formats, timezone


def _local(value: datetime | time) -> datetime | time:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def clock(value: datetime | time) -> str:
    """ "9:00 AM": the time of day, as `{{ value|time }}` writes it."""
    return formats.time_format(_local(value))


def moment(value: datetime) -> str:
    """ "Dec 2, 2026, 9:00 AM": a date and time, as `{{ value|date:"DATETIME_FORMAT" }}`."""
    return formats.date_format(_local(value), "DATETIME_FORMAT")
