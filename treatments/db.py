"""Database expressions for PostgreSQL-only constraints."""

from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db.models import Func


class TsTzRange(Func):
    """tstzrange(start, end, '[)'): a half-open time range, so back-to-back sessions touch
    without overlapping."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()

    def __init__(self, start, end, **extra):
        super().__init__(start, end, RangeBoundary(), **extra)
