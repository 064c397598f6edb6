"""Staff pages for assessments: record one (with its areas and condition changes), read one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.permissions import staff_permission_required
from consultations import answers, maps, selectors, services
from consultations.assessment_forms import (
    AreaForm,
    AreaFormSet,
    AssessmentForm,
    ConditionChangeFormSet,
)
from consultations.panels import ASSESSMENT_PAGE, panels_for
from treatments.catalog.models import BodyArea, Condition
from treatments.catalog.selectors import catalog_snapshot


def _screening(request, patient):
    if not request.user.has_perm(selectors.VIEW_SCREENING):
        return None
    return selectors.intake_latest_submitted(patient=patient)


def _assessment_forms(data, catalog):
    """The measurements form, the areas formset and the condition changes formset."""
    areas = BodyArea.objects.order_by("sort_order", "name")
    conditions = Condition.objects.order_by("name")
    return (
        AssessmentForm(data),
        AreaFormSet(data, prefix="areas", form_kwargs={"areas": areas, "catalog": catalog}),
        ConditionChangeFormSet(data, prefix="conditions", form_kwargs={"conditions": conditions}),
    )


def _assessment_save(request, patient, form, area_formset, change_formset):
    """The new assessment, or None with the service's refusal on the form."""
    try:
        return services.assessment_create(
            patient=patient,
            provider=request.user,
            data=form.cleaned_data,
            areas=area_formset.areas(),
            condition_changes=change_formset.changes(),
            by=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@staff_permission_required("consultations.add_assessment")
def assessment_create(request, pk: int):
    patient = selectors.patient_get_for_user(user=request.user, pk=pk)
    screening = _screening(request, patient)
    data = request.POST if request.method == "POST" else None
    catalog = catalog_snapshot()
    forms = _assessment_forms(data, catalog)
    if data is not None and all([f.is_valid() for f in forms]):
        assessment = _assessment_save(request, patient, *forms)
        if assessment is not None:
            messages.success(request, "The assessment was saved. Generate a plan from it below.")
            return redirect(
                "consultations:assessment-detail", pk=patient.pk, assessment_pk=assessment.pk
            )
    if data is None and screening is not None:
        # Start from what the patient told us, for the provider to check.
        forms[0].initial.update(answers.assessment_initial(screening.answers))
    form, area_formset, change_formset = forms
    return render(
        request,
        "consultations/assessment_form.html",
        {
            "patient": patient,
            "form": form,
            "area_formset": area_formset,
            "change_formset": change_formset,
            "screening": screening,
            "age": patient.age_on(timezone.localdate()),
            "applicators": catalog.applicators,
        },
    )


@staff_permission_required("consultations.add_assessment")
@require_POST
def assessment_map_preview(request):
    """The treatment map as typed or drawn so far, drawn by the server: the zone, its
    injection grid, the placements and what each treatment gets from them, or what is wrong
    (JSON {"html", "errors"}; 400 when the area is missing). Saves nothing."""
    catalog = catalog_snapshot()
    form = AreaForm(
        request.POST, areas=BodyArea.objects.order_by("sort_order", "name"), catalog=catalog
    )
    form.is_valid()
    if form.cleaned_data.get("area") is None:
        return JsonResponse({"errors": {"area": ["Choose an area first."]}}, status=400)
    errors = {f: [str(m) for m in form.errors[f]] for f in AreaForm.MAP_FIELDS if f in form.errors}
    preview = form.map_preview or maps.area_map(
        area_code=form.cleaned_data["area"].code,
        area_name=form.cleaned_data["area"].name,
        points=[],
        placements=[],
        catalog=catalog,
    )
    if errors:
        preview = {**preview, "errors": [m for ms in errors.values() for m in ms]}
    html = render_to_string("consultations/_map_preview.html", {"map": preview}, request=request)
    return JsonResponse({"html": html, "errors": errors})


def _area_maps(assessment) -> list[dict]:
    """The mapped areas drawn with what each treatment gets from them (the catalog is read
    only when some area has a map)."""
    mapped = [row for row in assessment.areas.all() if row.has_map]
    if not mapped:
        return []
    catalog = catalog_snapshot()
    return [maps.assessed_area_map(row, catalog=catalog) for row in mapped]


@staff_permission_required("consultations.view_assessment")
def assessment_detail(request, pk: int, assessment_pk: int):
    """The assessment, the conditions the engine sees, and the panels other apps register
    for it (the plans made from it)."""
    patient = selectors.patient_get_for_user(user=request.user, pk=pk)
    assessment = selectors.assessment_get_for_user(
        user=request.user, patient=patient, pk=assessment_pk
    )
    screening = _screening(request, patient)
    return render(
        request,
        "consultations/assessment_detail.html",
        {
            "patient": patient,
            "assessment": assessment,
            "screening": screening,
            "conditions": selectors.assessment_condition_names(
                assessment=assessment, screening=screening
            ),
            "panels": panels_for(request, assessment, page=ASSESSMENT_PAGE),
            "area_maps": _area_maps(assessment),
            "age": patient.age_on(timezone.localdate()),
        },
    )
