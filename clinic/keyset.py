"""Keyset pagination: a page is "the rows after (or before) this row in this order", so the
database reads one page from an index however deep the page is, and never counts the table.

The cursor in a link is the last (or first) row's sort values, encoded; a cursor that does
not decode is ignored (the first page), never an error. Every order ends with a unique
column (`pk`), so the order is total and no row is skipped or shown twice.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

# How far the list counts its rows: past it, the page says "more than ...".
COUNT_CAP = 500


def _strict(field: str, value: str) -> Q:
    name = field.lstrip("-")
    return Q(**{f"{name}__lt" if field.startswith("-") else f"{name}__gt": value})


def _equal(field: str, value: str) -> Q:
    return Q(**{field.lstrip("-"): value})


def after(order: Sequence[str], values: Sequence[str]) -> Q:
    """Rows strictly after `values` in `order` (fields, "-" for descending). The leading
    non-strict bound on the first field lets the database start an index range scan there."""
    condition = _strict(order[-1], values[-1])
    for field, value in zip(reversed(order[:-1]), reversed(values[:-1]), strict=True):
        condition = _strict(field, value) | (_equal(field, value) & condition)
    first, value = order[0], values[0]
    name = first.lstrip("-")
    bound = Q(**{f"{name}__lte" if first.startswith("-") else f"{name}__gte": value})
    return bound & condition


def reverse(order: Sequence[str]) -> list[str]:
    return [f[1:] if f.startswith("-") else f"-{f}" for f in order]


def encode(row: Any, order: Sequence[str]) -> str:
    values = []
    for field in order:
        value = getattr(row, field.lstrip("-"))
        values.append(value.isoformat() if hasattr(value, "isoformat") else str(value))
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode(cursor: str, order: Sequence[str]) -> list[str] | None:
    if not cursor or len(cursor) > 1000:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(order):
        return None
    if not all(isinstance(v, str) for v in values):
        return None
    return values


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str  # "" when this is the last page
    prev_cursor: str  # "" when this is the first page
    count: int  # rows in the whole list, up to COUNT_CAP + 1 (0 when not counted)
    capped: bool  # the list holds more than COUNT_CAP rows

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)


def _valid(queryset: QuerySet, order: Sequence[str], values: list[str] | None) -> bool:
    """A cursor whose values the fields refuse (a hand-edited link) is ignored."""
    if values is None:
        return False
    model = queryset.model
    try:
        for field, value in zip(order, values, strict=True):
            name = field.lstrip("-")
            model_field = model._meta.pk if name == "pk" else model._meta.get_field(name)
            model_field.to_python(value)
    except (ValidationError, ValueError, TypeError):  # not a cursor of this list
        return False
    return True


def paginate(
    queryset: QuerySet,
    order: Sequence[str],
    *,
    after_cursor: str = "",
    before_cursor: str = "",
    size: int = 25,
    count: bool = True,
) -> Page:
    """One page of `queryset` in `order`: the first, the one after `after_cursor`, or the one
    before `before_cursor`. Two queries, the capped count and the page; one without count."""
    total = queryset.order_by()[: COUNT_CAP + 1].count() if count else 0
    before_values = decode(before_cursor, order)
    after_values = decode(after_cursor, order)
    if _valid(queryset, order, before_values):
        backwards = reverse(order)
        rows = list(
            queryset.filter(after(backwards, before_values)).order_by(*backwards)[: size + 1]
        )
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        return Page(
            rows,
            next_cursor=encode(rows[-1], order) if rows else "",
            prev_cursor=encode(rows[0], order) if rows and more_before else "",
            count=total,
            capped=total > COUNT_CAP,
        )
    started = _valid(queryset, order, after_values)
    if started:
        queryset = queryset.filter(after(order, after_values))
    rows = list(queryset.order_by(*order)[: size + 1])
    more_after = len(rows) > size
    rows = rows[:size]
    return Page(
        rows,
        next_cursor=encode(rows[-1], order) if rows and more_after else "",
        prev_cursor=encode(rows[0], order) if rows and started else "",
        count=total,
        capped=total > COUNT_CAP,
    )
