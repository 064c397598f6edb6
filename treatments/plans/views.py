"""Staff pages for plans: compare the engine's options, choose one, adjust, present, print,
download the PDF, and record the patient's consent on the clinic's tablet.

Each view parses a form, calls one service (or selector) and renders or redirects; what a
user may do with a plan is `lifecycle.plan_actions`, read by the template."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from clinic.audit import access
from clinic.middleware import TABLET_HANDBACK
from clinic.permissions import staff_permission_required
from consultations import selectors as consultation_selectors
from treatments.plans import lifecycle, services
from treatments.plans.forms import (
    AdjustPlanForm,
    ConsentForm,
    PlanOptionForm,
    PlanStatusForm,
    StaffReturnForm,
)
from treatments.plans.models import ConsentChannel, PlanStatus
from treatments.plans.pdf import html_to_pdf, page_size
from treatments.plans.selectors import (
    PlanPage,
    consent_link_closed_reason,
    consent_link_get_by_token,
    plan_blocked_reason,
    plan_get_for_user,
    plan_page,
    user_sees_clinical,
)

# The HTTP status of the page a signing link shows instead of the consent.
LINK_CLOSED_STATUS = {"unknown": 404, "used": 200, "closed": 410}


def _assessment(request, pk: int, assessment_pk: int):
    patient = consultation_selectors.patient_get_for_user(user=request.user, pk=pk)
    assessment = consultation_selectors.assessment_get_for_user(
        user=request.user, patient=patient, pk=assessment_pk
    )
    return patient, assessment


def _plan(request, pk: int, plan_pk: int):
    patient = consultation_selectors.patient_get_for_user(user=request.user, pk=pk)
    return plan_get_for_user(user=request.user, patient=patient, pk=plan_pk)


def _attempt(request, service, /, **kwargs):
    """The service's answer, or None when it refuses (and the message says why)."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None


def _to_detail(plan):
    return redirect("plans:plan-detail", pk=plan.patient_id, plan_pk=plan.pk)


@staff_permission_required("plans.add_plan", "consultations.view_assessment")
def plan_options(request, pk: int, assessment_pk: int):
    """Every eligible option side by side, every excluded treatment with why; POST chooses."""
    patient, assessment = _assessment(request, pk, assessment_pk)
    form = PlanOptionForm(request.POST if request.method == "POST" else request.GET)
    form.is_valid()  # always valid: a goal that is not one falls back to the catalog's
    goal, today = form.cleaned_data["goal"], timezone.localdate()
    if request.method == "POST":
        plan = _attempt(
            request,
            services.plan_create_from_option,
            assessment=assessment,
            treatment_code=form.cleaned_data["treatment"],
            by=request.user,
            today=today,
            goal_pinch_mm=goal,
        )
        if plan is not None:
            messages.success(request, f"Draft plan for {plan.treatment.name} created.")
            return _to_detail(plan)
    generated = services.plan_generate_options(
        assessment=assessment, today=today, goal_pinch_mm=goal
    )
    context = {"patient": patient, "assessment": assessment, "generated": generated}
    context.update(result=generated.result, area_names=generated.catalog.area_names, goal=goal)
    return render(request, "plans/plan_options.html", context)


@staff_permission_required("plans.view_plan")
def plan_detail(request, pk: int, plan_pk: int):
    plan = _plan(request, pk, plan_pk)
    page = plan_page(plan=plan, user=request.user)
    form = AdjustPlanForm(plan=plan) if page.actions.can_adjust else None
    return _render_detail(request, page, form)


def _render_detail(request, page: PlanPage, form, status=200):
    plan = page.plan
    link_url = ""
    if page.consent_link is not None:
        link_url = request.build_absolute_uri(
            reverse("plans:consent-link", args=[page.consent_link.token])
        )
    context = {"patient": plan.patient, "plan": plan, "form": form, "actions": page.actions}
    context.update(
        clinical=page.clinical,
        blocked=page.blocked,
        area_names=plan.option.get("area_names", {}),
        consent=page.consent,
        consent_link=page.consent_link,
        consent_link_url=link_url,
    )
    return render(request, "plans/plan_detail.html", context, status=status)


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
            return _to_detail(plan)
    return _render_detail(request, plan_page(plan=plan, user=request.user), form, status=400)


@require_POST
@staff_permission_required("plans.change_plan")
def plan_status(request, pk: int, plan_pk: int):
    plan = _plan(request, pk, plan_pk)
    form = PlanStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown status.")
        return _to_detail(plan)
    to_status = form.cleaned_data["to_status"]
    changed = _attempt(
        request,
        services.plan_transition,
        plan=plan,
        to_status=to_status,
        by=request.user,
        note=form.cleaned_data["note"],
    )
    if changed is not None:
        messages.success(request, f"The plan is now {PlanStatus(to_status).label.lower()}.")
    return _to_detail(plan)


@require_POST
@staff_permission_required("plans.add_plan")
def plan_supersede(request, pk: int, plan_pk: int):
    plan = _plan(request, pk, plan_pk)
    new = _attempt(
        request, services.plan_supersede, plan=plan, by=request.user, today=timezone.localdate()
    )
    if new is None:
        return _to_detail(plan)
    messages.success(request, "A new draft replaces the old plan, which stays readable.")
    return _to_detail(new)


def _clinic_contact() -> dict:
    """The clinic's phone and email for pages a patient reads (empty ones are left out)."""
    return {"clinic_phone": settings.CLINIC_PHONE, "clinic_email": settings.CLINIC_EMAIL}


def _document_context(plan, user) -> dict:
    """The quote's context: what the patient may read, and the plan's warnings only for
    clinical staff (they come from the patient's screening)."""
    return {
        "plan": plan,
        "clinical": user_sees_clinical(user),
        "page_size": page_size(),
        "patient": plan.patient,
        "clinic_name": settings.CLINIC_NAME,
        "clinic_address": settings.CLINIC_ADDRESS,
        "clinic_phone": settings.CLINIC_PHONE,
        "clinic_email": settings.CLINIC_EMAIL,
        "info": plan.option.get("info", {}),
        "area_names": plan.option.get("area_names", {}),
        "spec": plan.option.get("spec", {}),
        "issued_on": timezone.localdate(),
        "consent": next(iter(plan.consents.all()), None),
    }


@staff_permission_required("plans.view_plan")
def plan_quote(request, pk: int, plan_pk: int):
    """The printable quote (the same document as the PDF, with a toolbar on screen)."""
    plan = _plan(request, pk, plan_pk)
    context = {**_document_context(plan, request.user), "screen": True}
    return render(request, "plans/quote.html", context)


@staff_permission_required("plans.view_plan")
def plan_quote_pdf(request, pk: int, plan_pk: int):
    plan = _plan(request, pk, plan_pk)
    context = {**_document_context(plan, request.user), "screen": False}
    html = render_to_string("plans/quote.html", context)
    access.log_read(user=request.user, obj=plan, what=access.QUOTE_PDF)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    # Django builds the header: quotes, line breaks and non-ASCII letters in a name are
    # encoded (RFC 6266 filename*), never written into the header as they are.
    name = slugify(plan.patient.last_name, allow_unicode=True) or "patient"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"quote-{name}-{plan.pk}.pdf"
    )
    return response


@require_POST
@staff_permission_required("plans.change_plan", "plans.record_consent")
def plan_consent_link(request, pk: int, plan_pk: int):
    """A link for the patient to sign on their own device (copy it to them)."""
    plan = _plan(request, pk, plan_pk)
    link = _attempt(request, services.consent_link_create, plan=plan, by=request.user)
    if link is not None:
        messages.success(
            request,
            f"A signing link is ready until {timezone.localtime(link.expires_at):%B %-d, %Y}; "
            "copy it to the patient below.",
        )
    return _to_detail(plan)


def _consent_form(request, text) -> ConsentForm:
    return ConsentForm(request.POST or None, initial={"consent_text_id": text.pk if text else None})


def _consent_page(request, plan, text, form, blocked, *, link=None):
    context = {"plan": plan, "patient": plan.patient, "text": text, "form": form}
    context.update(blocked=blocked, link=link, signable=lifecycle.plan_can_be_signed(plan))
    context.update(_clinic_contact())
    return render(request, "plans/plan_consent.html", context)


def _sign(request, form: ConsentForm, plan, **how) -> bool:
    """Record the consent of a valid form; on a refusal, the form says why."""
    try:
        services.consent_record(
            plan=plan,
            **form.service_kwargs(),
            ip_address=_client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            **how,
        )
    except ValidationError as exc:
        _form_errors(form, exc)
        return False
    return True


def consent_by_link(request, token: str):
    """The patient's side of a signing link: no login, the token is the key. An unknown,
    expired, revoked or used link shows a friendly page and never the plan."""
    link = consent_link_get_by_token(token=token)
    closed = consent_link_closed_reason(link=link, now=timezone.now())
    if closed:
        return render(
            request,
            "plans/consent_link_closed.html",
            {"reason": closed, **_clinic_contact()},
            status=LINK_CLOSED_STATUS[closed],
        )
    plan = link.plan
    text = services.consent_text_current(treatment=plan.treatment)
    blocked = plan_blocked_reason(plan=plan)
    form = _consent_form(request, text)
    signed = (
        request.method == "POST"
        and form.is_valid()
        and not blocked
        and _sign(request, form, plan, channel=ConsentChannel.LINK, link=link)
    )
    if signed:
        context = {"reason": "thanks", **_clinic_contact()}
        return render(request, "plans/consent_link_closed.html", context)
    return _consent_page(request, plan, text, form, blocked, link=link)


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
    if request.method == "POST" and not lifecycle.plan_can_be_signed(plan):
        raise PermissionDenied("Only a presented plan can be signed.")
    text = services.consent_text_current(treatment=plan.treatment)
    blocked = plan_blocked_reason(plan=plan)
    form = _consent_form(request, text)
    if request.method == "POST" and form.is_valid() and _sign(request, form, plan, by=request.user):
        # The tablet is in the patient's hands: a thank-you screen, not the staff plan page,
        # and every other page leads back to it until a staff member's password is entered.
        done = reverse("plans:plan-consent-done", args=[plan.patient_id, plan.pk])
        request.session[TABLET_HANDBACK] = done
        return redirect(done)
    return _consent_page(request, plan, text, form, blocked)


@staff_permission_required("plans.view_plan", "plans.record_consent")
def plan_consent_done(request, pk: int, plan_pk: int):
    """After signing on the tablet: thank the patient and ask for the tablet back. Only the
    staff member's password leaves this screen, for the plan page."""
    plan = _plan(request, pk, plan_pk)
    form = StaffReturnForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST":
        if form.is_valid():
            request.session.pop(TABLET_HANDBACK, None)
            messages.success(request, "The consent is signed and the plan accepted.")
            return _to_detail(plan)
        messages.error(request, "That is not the password of the staff member logged in.")
    context = {"first_name": plan.patient.first_name, "form": form, "plan": plan}
    response = render(request, "plans/consent_done.html", {**context, **_clinic_contact()})
    response["Cache-Control"] = "no-store"
    return response
