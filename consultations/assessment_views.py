"""Staff pages for assessments: record one (with its areas and condition changes), read one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from clinic.permissions import staff_permission_required
from consultations import selectors, services
from consultations.assessment_forms import AreaFormSet, AssessmentForm, ConditionChangeFormSet
from treatments.catalog.models import BodyArea, Condition


def _screening(request, patient):
    if not request.user.has_perm(selectors.VIEW_SCREENING):
        return None
    return selectors.intake_latest_submitted(patient=patient)


@staff_permission_required("consultations.add_assessment")
def assessment_create(request, pk: int):
    patient = selectors.patient_get_for_user(user=request.user, pk=pk)
    screening = _screening(request, patient)
    areas = BodyArea.objects.order_by("sort_order", "name")
    conditions = Condition.objects.order_by("name")
    data = request.POST if request.method == "POST" else None
    form = AssessmentForm(data)
    area_formset = AreaFormSet(data, prefix="areas", form_kwargs={"areas": areas})
    change_formset = ConditionChangeFormSet(
        data, prefix="conditions", form_kwargs={"conditions": conditions}
    )
    if data is not None and all(
        [form.is_valid(), area_formset.is_valid(), change_formset.is_valid()]
    ):
        try:
            assessment = services.assessment_create(
                patient=patient,
                provider=request.user,
                data=form.cleaned_data,
                areas=area_formset.areas(),
                condition_changes=change_formset.changes(),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The assessment was saved. Generate a plan from it below.")
            return redirect(
                "consultations:assessment-detail", pk=patient.pk, assessment_pk=assessment.pk
            )
    if data is None and screening is not None:
        # Start from what the patient told us, for the provider to check.
        answers = screening.answers
        form.initial.update(
            {
                k: v
                for k, v in {
                    "height_cm": answers.get("height"),
                    "weight_kg": answers.get("weight"),
                    "weight_stable": answers.get("weight_stable", "yes") == "yes",
                    "goals": answers.get("goals", ""),
                }.items()
                if v not in (None, "")
            }
        )
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
        },
    )


@staff_permission_required("consultations.view_assessment")
def assessment_detail(request, pk: int, assessment_pk: int):
    patient = selectors.patient_get_for_user(user=request.user, pk=pk)
    assessment = selectors.assessment_get_for_user(
        user=request.user, patient=patient, pk=assessment_pk
    )
    screening = _screening(request, patient)
    from treatments.plans.selectors import plans_for_patient

    plans = [p for p in plans_for_patient(patient=patient) if p.assessment_id == assessment.pk]
    return render(
        request,
        "consultations/assessment_detail.html",
        {
            "patient": patient,
            "assessment": assessment,
            "screening": screening,
            "conditions": selectors.assessment_conditions(
                assessment=assessment, screening=screening
            ),
            "plans": plans,
            "age": patient.age_on(timezone.localdate()),
        },
    )
