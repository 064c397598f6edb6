"""Patient rights pages (Clinic admins): export the whole record, delete it in two steps."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from clinic.audit import access
from clinic.permissions import staff_permission_required
from clinic.records import selectors, services
from consultations.selectors import patient_get_for_user
from treatments.plans.pdf import html_to_pdf, page_size

NO_STORE = "no-store, private"


class ConfirmDeleteForm(forms.Form):
    confirm_name = forms.CharField(
        max_length=210, label="Type the patient's full name to confirm", strip=True
    )


def _filename(patient, extension: str) -> str:
    return f"patient-{patient.pk}-{slugify(patient.last_name) or 'record'}.{extension}"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = NO_STORE
    return response


@staff_permission_required(selectors.PATIENT_RIGHTS)
def export_json(request, pk: int):
    patient = patient_get_for_user(user=request.user, pk=pk)
    document = {
        "exported_at": timezone.now(),
        "clinic": settings.CLINIC_NAME,
        "patient_id": patient.pk,
        "records": selectors.record_as_data(patient),
    }
    body = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    access.log_read(user=request.user, obj=patient, what=access.RECORD_EXPORT, format="json")
    return _download(body.encode(), "application/json", _filename(patient, "json"))


@staff_permission_required(selectors.PATIENT_RIGHTS)
def export_pdf(request, pk: int):
    patient = patient_get_for_user(user=request.user, pk=pk)
    context = {
        "record": selectors.readable_record(patient),
        "patient": patient,
        "issued_at": timezone.now(),
        "page_size": page_size(),
    }
    pdf = html_to_pdf(render_to_string("records/patient_record.html", context, request))
    access.log_read(user=request.user, obj=patient, what=access.RECORD_EXPORT, format="pdf")
    return _download(pdf, "application/pdf", _filename(patient, "pdf"))


@staff_permission_required(selectors.PATIENT_RIGHTS)
def delete(request, pk: int):
    """Step one shows what would go (or why it cannot) and asks for the patient's name;
    step two, the POST with the name typed, deletes."""
    patient = patient_get_for_user(user=request.user, pk=pk)
    form = ConfirmDeleteForm(request.POST or None)
    blockers = selectors.deletion_blockers(patient)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_delete(
                patient=patient, by=request.user, confirm_name=form.cleaned_data["confirm_name"]
            )
        except services.DeletionRefused as exc:
            blockers, status = exc.messages, 409
        except ValidationError as exc:
            form.add_error("confirm_name", exc.message_dict.get("confirm_name", exc.messages))
            status = 400
        else:
            messages.success(request, f"{patient.full_name}'s record was deleted.")
            return redirect("consultations:patient-list")
    elif request.method == "POST":
        status = 400
    context = {
        "patient": patient,
        "form": form,
        "blockers": blockers,
        "counts": selectors.row_counts(patient),
    }
    response = render(request, "records/delete.html", context, status=status)
    response["Cache-Control"] = NO_STORE
    return response
