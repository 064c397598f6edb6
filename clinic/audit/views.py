"""The audit page (Clinic admins): the whole log, searched by patient, user, dates, kind."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.shortcuts import render

from clinic.audit import selectors
from clinic.audit.forms import AuditSearchForm
from clinic.permissions import staff_permission_required
from consultations.models import Patient
from consultations.selectors import patient_search_filter

MAX_PATIENTS = 50  # a vague patient search narrows to at most this many records


def _patient_ids(query: str) -> list[int]:
    query = query.strip()
    if query.isdigit():
        return [int(query)]
    return list(
        Patient.objects.filter(patient_search_filter(query))
        .order_by("pk")
        .values_list("pk", flat=True)[:MAX_PATIENTS]
    )


@staff_permission_required(selectors.VIEW_AUDIT)
def audit_log(request):
    """Keyset pages, newest first: `before` is the last id of the page before, so a page costs
    the same however deep into the log it is."""
    kinds = selectors.kinds()
    form = AuditSearchForm(request.GET or None, kinds=kinds)
    page_size = settings.AUDIT_PAGE_SIZE
    rows, older = [], None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        data = form.cleaned_data if form.is_bound else {}
        filters = selectors.AuditFilters(
            user=(data.get("user") or "").strip(),
            since=data.get("since"),
            until=data.get("until"),
            kind=data.get("kind"),
            action=data.get("action"),
        )
        patient_ids = _patient_ids(data["patient"]) if data.get("patient") else None
        filters = replace(filters, patient_ids=patient_ids)
        qs = selectors.entries(filters)
        if data.get("before"):
            qs = qs.filter(pk__lt=data["before"])
        rows = list(qs[: page_size + 1])
        if len(rows) > page_size:
            rows = rows[:page_size]
            query = request.GET.copy()
            query["before"] = rows[-1].pk
            older = query.urlencode()
    newest = None
    if request.GET.get("before"):
        query = request.GET.copy()
        query.pop("before")
        newest = query.urlencode()
    context = {"form": form, "entries": rows, "older": older, "newest": newest}
    response = render(request, "audit/log.html", context, status=status)
    response["Cache-Control"] = "no-store, private"
    return response
