"""Staff pages for plans: compare the engine's options, choose one, adjust, present, print,
download the PDF, and record the patient's consent on the clinic's tablet."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.permissions import staff_permission_required
from consultations import selectors as consultation_selectors
from treatments.plans import lifecycle, services
from treatments.plans.forms import AdjustPlanForm, ConsentForm
from treatments.plans.models import PlanStatus
from treatments.plans.pdf import html_to_pdf
from treatments.plans.selectors import (
    consent_link_get_by_token,
    consent_link_open,
    plan_get_for_user,
)


def _assessment(request, pk: int, assessment_pk: int):
    patient = consultation_selectors.patient_get_for_user(user=request.user, pk=pk)
    assessment = consultation_selectors.assessment_get_for_user(
        user=request.user, patient=patient, pk=assessment_pk
    )
    return patient, assessment


def _plan(request, pk: int, plan_pk: int):
    patient = consultation_selectors.patient_get_for_user(user=request.user, pk=pk)
    return plan_get_for_user(user=request.user, patient=patient, pk=plan_pk)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _goal(data) -> Decimal | None:
    """The provider's goal pinch for this plan (5 to 100 mm), or None for the catalog's."""
    try:
        goal = Decimal(str(data.get("goal", "")).strip())
    except (InvalidOperation, ValueError):
        return None
    return goal if goal.is_finite() and 5 <= goal <= 100 else None


@staff_permission_required("plans.add_plan", "consultations.view_assessment")
def plan_options(request, pk: int, assessment_pk: int):
    """Every eligible option side by side, every excluded treatment with why; POST chooses."""
    patient, assessment = _assessment(request, pk, assessment_pk)
    today = timezone.localdate()
    goal = _goal(request.POST if request.method == "POST" else request.GET)
    if request.method == "POST":
        try:
            plan = services.plan_create_from_option(
                assessment=assessment,
                treatment_code=request.POST.get("treatment", ""),
                by=request.user,
                today=today,
                goal_pinch_mm=goal,
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, f"Draft plan for {plan.treatment.name} created.")
            return redirect("plans:plan-detail", pk=patient.pk, plan_pk=plan.pk)
    generated = services.plan_generate_options(
        assessment=assessment, today=today, goal_pinch_mm=goal
    )
    return render(
        request,
        "plans/plan_options.html",
        {
            "patient": patient,
            "assessment": assessment,
            "generated": generated,
            "result": generated.result,
            "area_names": generated.catalog.area_names,
            "goal": goal,
        },
    )


@staff_permission_required("plans.view_plan")
def plan_detail(request, pk: int, plan_pk: int):
    plan = _plan(request, pk, plan_pk)
    form = None
    if plan.status == PlanStatus.DRAFT and request.user.has_perm("plans.change_plan"):
        form = AdjustPlanForm(plan=plan)
    return _render_detail(request, plan, form)


def _render_detail(request, plan, form, status=200):
    blocked = ""
    if plan.status in (PlanStatus.DRAFT, PlanStatus.PRESENTED):
        blocked = services.plan_blocked_reason(plan=plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "patient": plan.patient,
            "plan": plan,
            "form": form,
            "blocked": blocked,
            "can_book": lifecycle.plan_can_be_booked(plan),
            "area_names": plan.option.get("area_names", {}),
            "consent": next(iter(plan.consents.all()), None),
            "consent_link": consent_link_open(plan=plan),
            "consent_link_url": _link_url(request, consent_link_open(plan=plan)),
        },
        status=status,
    )


def _link_url(request, link) -> str:
    if link is None:
        return ""
    return request.build_absolute_uri(reverse("plans:consent-link", args=[link.token]))


@require_POST
@staff_permission_required("plans.change_plan")
def plan_adjust(request, pk: int, plan_pk: int):
    plan = _plan(request, pk, plan_pk)
    form = AdjustPlanForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.plan_adjust(
                plan=plan, by=request.user, today=timezone.localdate(), **form.service_kwargs()
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The plan was updated and its cost recomputed.")
            return redirect("plans:plan-detail", pk=plan.patient_id, plan_pk=plan.pk)
    return _render_detail(request, plan, form, status=400)


@require_POST
@staff_permission_required("plans.change_plan")
def plan_status(request, pk: int, plan_pk: int):
    plan = _plan(request, pk, plan_pk)
    to_status = request.POST.get("to_status", "")
    if to_status not in PlanStatus.values:
        messages.error(request, "Unknown status.")
    else:
        try:
            services.plan_transition(
                plan=plan, to_status=to_status, by=request.user, note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, f"The plan is now {PlanStatus(to_status).label.lower()}.")
    return redirect("plans:plan-detail", pk=plan.patient_id, plan_pk=plan.pk)


@require_POST
@staff_permission_required("plans.add_plan")
def plan_supersede(request, pk: int, plan_pk: int):
    plan = _plan(request, pk, plan_pk)
    try:
        new = services.plan_supersede(plan=plan, by=request.user, today=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("plans:plan-detail", pk=plan.patient_id, plan_pk=plan.pk)
    messages.success(request, "A new draft replaces the old plan, which stays readable.")
    return redirect("plans:plan-detail", pk=plan.patient_id, plan_pk=new.pk)


def _document_context(plan) -> dict:
    info = plan.option.get("info", {})
    return {
        "plan": plan,
        "patient": plan.patient,
        "clinic_name": settings.CLINIC_NAME,
        "clinic_address": settings.CLINIC_ADDRESS,
        "clinic_phone": settings.CLINIC_PHONE,
        "clinic_email": settings.CLINIC_EMAIL,
        "info": info,
        "area_names": plan.option.get("area_names", {}),
        "spec": plan.option.get("spec", {}),
        "issued_on": timezone.localdate(),
        "consent": next(iter(plan.consents.all()), None),
    }


@staff_permission_required("plans.view_plan")
def plan_quote(request, pk: int, plan_pk: int):
    """The printable quote (the same document as the PDF, with a toolbar on screen)."""
    plan = _plan(request, pk, plan_pk)
    return render(request, "plans/quote.html", {**_document_context(plan), "screen": True})


@staff_permission_required("plans.view_plan")
def plan_quote_pdf(request, pk: int, plan_pk: int):
    plan = _plan(request, pk, plan_pk)
    html = render_to_string("plans/quote.html", {**_document_context(plan), "screen": False})
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"quote-{plan.patient.last_name.lower()}-{plan.pk}.pdf".replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@staff_permission_required("plans.change_plan", "plans.record_consent")
def plan_consent_link(request, pk: int, plan_pk: int):
    """A link for the patient to sign on their own device (copy it to them)."""
    plan = _plan(request, pk, plan_pk)
    try:
        link = services.consent_link_create(plan=plan, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            f"A signing link is ready until {timezone.localtime(link.expires_at):%B %-d, %Y}; "
            "copy it to the patient below.",
        )
    return redirect("plans:plan-detail", pk=plan.patient_id, plan_pk=plan.pk)


def _consent_form_response(request, plan, text, form, blocked, *, link=None, status=200):
    return render(
        request,
        "plans/plan_consent.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "text": text,
            "form": form,
            "blocked": blocked,
            "link": link,
        },
        status=status,
    )


def consent_by_link(request, token: str):
    """The patient's side of a signing link: no login, the token is the key. An unknown,
    expired, revoked or used link shows a friendly page and never the plan."""
    link = consent_link_get_by_token(token=token)
    if link is None:
        return render(request, "plans/consent_link_closed.html", {"reason": "unknown"}, status=404)
    if link.used_at is not None:
        return render(request, "plans/consent_link_closed.html", {"reason": "used"})
    if not link.is_open_at(timezone.now()) or link.plan.status != PlanStatus.PRESENTED:
        return render(request, "plans/consent_link_closed.html", {"reason": "closed"}, status=410)
    plan = link.plan
    text = services.consent_text_current(treatment=plan.treatment)
    blocked = services.plan_blocked_reason(plan=plan)
    form = ConsentForm(request.POST or None, initial={"consent_text_id": text.pk if text else None})
    if request.method == "POST" and form.is_valid() and not blocked:
        try:
            services.consent_record(
                plan=plan,
                full_name=form.cleaned_data["full_name"],
                signature=form.cleaned_data["signature"] or "",
                consent_text_id=form.cleaned_data["consent_text_id"],
                ip_address=_client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                channel="link",
                link=link,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return render(request, "plans/consent_link_closed.html", {"reason": "thanks"})
    return _consent_form_response(request, plan, text, form, blocked, link=link)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _client_ip(request) -> str | None:
    # The address the request came from; behind a reverse proxy, the proxy must pass the
    # client's address on as REMOTE_ADDR (e.g. gunicorn behind nginx with real_ip).
    return request.META.get("REMOTE_ADDR")


@staff_permission_required("plans.view_plan", "plans.record_consent")
def plan_consent(request, pk: int, plan_pk: int):
    """The patient reads the consent on the clinic's tablet, types their name and signs."""
    plan = _plan(request, pk, plan_pk)
    text = services.consent_text_current(treatment=plan.treatment)
    blocked = services.plan_blocked_reason(plan=plan)
    if plan.status != PlanStatus.PRESENTED and request.method == "POST":
        raise PermissionDenied("Only a presented plan can be signed.")
    form = ConsentForm(request.POST or None, initial={"consent_text_id": text.pk if text else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                plan=plan,
                full_name=form.cleaned_data["full_name"],
                signature=form.cleaned_data["signature"] or "",
                consent_text_id=form.cleaned_data["consent_text_id"],
                ip_address=_client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Thank you. The consent is signed and the plan accepted.")
            return redirect("plans:plan-detail", pk=plan.patient_id, plan_pk=plan.pk)
    return render(
        request,
        "plans/plan_consent.html",
        {"plan": plan, "patient": plan.patient, "text": text, "form": form, "blocked": blocked},
    )
