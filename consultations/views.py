"""Staff pages for patients and intake links (function views, like the rest of the app)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.audit import access
from clinic.permissions import staff_permission_required
from consultations import presenters, selectors, services
from consultations.forms import IntakeLinkForm, PatientForm
from consultations.panels import intake_url, panels_for
from consultations.questionnaire import display_answer, prune

PAGE_SIZE = 25


@staff_permission_required("consultations.view_patient")
def patient_list(request):
    query = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", "name")
    if sort not in selectors.PATIENT_SORTS:
        sort = "name"
    page = selectors.patient_page(
        user=request.user,
        query=query,
        sort=sort,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "consultations/patient_list.html",
        {
            "page": page,
            "rows": presenters.patient_rows(page.rows),
            "query": query,
            "sort": sort,
            "sorts": selectors.PATIENT_SORTS,
        },
    )


@staff_permission_required("consultations.add_patient")
def patient_create(request):
    duplicates = []
    if request.method == "POST":
        form = PatientForm(request.POST, ask_duplicate="confirm_duplicate" in request.POST)
        if form.is_valid():
            data = form.cleaned_data
            duplicates = selectors.patient_likely_duplicates(
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                email=data["email"],
            )
            if duplicates and not data.get("confirm_duplicate"):
                form = PatientForm(request.POST, ask_duplicate=True)
                form.is_valid()
            else:
                try:
                    patient = services.patient_create(data=data, by=request.user)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, f"{patient.full_name} was added.")
                    return redirect("consultations:patient-detail", pk=patient.pk)
    else:
        form = PatientForm()
    return render(
        request,
        "consultations/patient_form.html",
        {"form": form, "duplicates": duplicates, "patient": None},
    )


@staff_permission_required("consultations.change_patient")
def patient_edit(request, pk: int):
    patient = selectors.patient_get_for_user(user=request.user, pk=pk)
    form = PatientForm(request.POST or None, instance=patient)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(patient=patient, data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The patient's details were saved.")
            return redirect("consultations:patient-detail", pk=patient.pk)
    return render(
        request,
        "consultations/patient_form.html",
        {"form": form, "duplicates": duplicates, "patient": patient},
    )


@staff_permission_required("consultations.view_patient")
def patient_detail(request, pk: int):
    """The patient's page: the panels each app registers (consultations.panels)."""
    patient = selectors.patient_get_for_user(user=request.user, pk=pk)
    access.log_read(user=request.user, obj=patient, what=access.CHART)
    return render(
        request,
        "consultations/patient_detail.html",
        {
            "patient": patient,
            "age": patient.age_on(timezone.localdate()),
            "panels": panels_for(request, patient),
        },
    )


@require_POST
@staff_permission_required("consultations.add_intake")
def intake_link_create(request, pk: int):
    patient = selectors.patient_get_for_user(user=request.user, pk=pk)
    form = IntakeLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how many days the link stays open (1 to 90).")
        return redirect("consultations:patient-detail", pk=patient.pk)
    try:
        intake = services.intake_link_create(
            patient=patient, by=request.user, expires_in_days=form.cleaned_data["expires_in_days"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"A new intake link is ready; it stays open until "
            f"{timezone.localtime(intake.expires_at):%B %-d, %Y}. Copy it or email it below.",
        )
    return redirect("consultations:patient-detail", pk=patient.pk)


@require_POST
@staff_permission_required("consultations.change_intake")
def intake_link_revoke(request, pk: int, intake_pk: int):
    patient = selectors.patient_get_for_user(user=request.user, pk=pk)
    intake = selectors.intake_get_for_user(user=request.user, patient=patient, pk=intake_pk)
    try:
        services.intake_link_revoke(intake=intake, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The link was revoked; it no longer opens the questionnaire.")
    return redirect("consultations:patient-detail", pk=patient.pk)


@require_POST
@staff_permission_required("consultations.change_intake")
def intake_link_email(request, pk: int, intake_pk: int):
    patient = selectors.patient_get_for_user(user=request.user, pk=pk)
    intake = selectors.intake_get_for_user(user=request.user, patient=patient, pk=intake_pk)
    try:
        services.intake_link_email(intake=intake, url=intake_url(request, intake), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The link was emailed to {patient.email}.")
    return redirect("consultations:patient-detail", pk=patient.pk)


@staff_permission_required("consultations.view_patient", "consultations.view_screening")
def intake_detail(request, pk: int, intake_pk: int):
    """The answers of a submitted intake, section by section, with its flags."""
    patient = selectors.patient_get_for_user(user=request.user, pk=pk)
    intake = selectors.intake_get_for_user(user=request.user, patient=patient, pk=intake_pk)
    response = intake.responses.first()
    access.log_read(user=request.user, obj=intake, what=access.INTAKE_ANSWERS)
    questionnaire = response.questionnaire if response else intake.questionnaire
    steps = selectors.questionnaire_steps(questionnaire=questionnaire)
    answers = response.answers if response else prune(selectors.all_questions(steps), intake.draft)
    units = selectors.clinic_units()
    sections = [
        (
            step,
            [
                (q, display_answer(q, answers[q.key], units, with_stored=True))
                for q in step.questions
                if q.key in answers
            ],
        )
        for step in steps
    ]
    return render(
        request,
        "consultations/intake_detail.html",
        {
            "patient": patient,
            "intake": intake,
            "response": response,
            "flags": response.flag_list if response else (),
            "sections": sections,
            "questionnaire": questionnaire,
        },
    )
