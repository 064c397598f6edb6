"""Signals the appointments app sends for others to follow (the reports' running totals)."""

from django.dispatch import Signal

# Sent after appointments were written without model signals (bulk_create, COPY, or a
# QuerySet.update of their time, status or resources): whatever is derived from them must be
# recomputed.
appointments_replaced = Signal()
