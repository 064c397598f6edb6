"""Catalog services: the plan preview (the engine over the current catalog, nothing saved)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from treatments.catalog.selectors import (
    catalog_settings_get,
    catalog_snapshot,
    closures_snapshot,
    condition_codes,
)
from treatments.engine import planning

MAX_START_DAYS = 2 * 366


def plan_preview(
    *,
    patient: planning.PatientFacts,
    areas: Sequence[planning.AreaInput],
    preferences: planning.Preferences,
    today: date,
) -> planning.PlanResult:
    """Every treatment for these facts, ranked or excluded, from the current catalog.

    Raises ValidationError (a dict keyed by field path) for unknown area or condition codes.
    Nothing is saved: a preview is never a plan.
    """
    settings = catalog_settings_get()
    catalog = catalog_snapshot(catalog_settings=settings)
    errors: dict[str, list[str]] = {}
    known_conditions = condition_codes()
    for code in sorted(patient.conditions):
        if code not in known_conditions:
            errors.setdefault("patient.conditions", []).append(f"Unknown condition code: {code}.")
    seen: set[str] = set()
    for index, area in enumerate(areas):
        if area.area not in catalog.area_names:
            errors[f"areas.{index}.area"] = [f"Unknown body area code: {area.area}."]
        elif area.area in seen:
            errors[f"areas.{index}.area"] = [f"The area {area.area} is listed twice."]
        seen.add(area.area)
    if not areas:
        errors["areas"] = ["Give at least one area."]
    if preferences.start_date and preferences.start_date > today + timedelta(days=MAX_START_DAYS):
        errors["preferences.start_date"] = ["Choose a start date within the next two years."]
    if errors:
        raise ValidationError(errors)
    return planning.plan_options(
        patient=patient,
        areas=areas,
        preferences=preferences,
        catalog=catalog,
        closures=closures_snapshot(catalog_settings=settings, since=today),
        start=today,
    )
