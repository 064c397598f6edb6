"""Small filters for plan pages and the quote."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

register = template.Library()


@register.filter
def area_name(code: str, names: Mapping[str, str]) -> str:
    """The patient-readable name of an area code, from the plan's own snapshot."""
    return names.get(code, str(code).replace("_", " ").capitalize()) if names else code


@register.filter
def units(count, unit: str) -> str:
    """3 vials, 1 vial, 2 cycles, 1 applicator (regular English plurals only)."""
    count = int(count)
    return f"{count} {unit if count == 1 else unit + 's'}"


@register.filter
def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in str(text or "").split("\n\n") if p.strip()]


@register.simple_tag(takes_context=True)
def patient_assessments(context, patient) -> list:
    """The patient's assessments for the patient page (empty without the permission)."""
    from consultations.selectors import VIEW_ASSESSMENT, assessments_for_patient

    user = context.get("user")
    if user is None or not user.has_perm(VIEW_ASSESSMENT):
        return []
    return assessments_for_patient(patient=patient)


@register.simple_tag(takes_context=True)
def patient_plans(context, patient) -> list:
    """The patient's plans for the patient page (empty without the permission)."""
    from treatments.plans.selectors import VIEW_PLAN, plans_for_patient

    user = context.get("user")
    if user is None or not user.has_perm(VIEW_PLAN):
        return []
    return plans_for_patient(patient=patient)
