"""Catalog services: the plan preview (the engine over the current catalog, nothing saved)
and the public holidays seeded as closed days."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import holidays
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import transaction

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


# --- Public holidays -----------------------------------------------------------------------

HOLIDAY_YEARS = 3  # this year and the next two


def holiday_years(*, today: date, count: int = HOLIDAY_YEARS) -> range:
    return range(today.year, today.year + count)


def closures_seed_holidays(
    *, country: str, subdivision: str = "", years: Iterable[int], apps=django_apps
) -> int:
    """Add the public holidays of `country` (and `subdivision`) in `years` as closed days.

    Each (country, subdivision, year) is seeded once and then left to the clinic: a holiday
    deleted in the admin is never added again, an edited one keeps its edit, and a date the
    clinic already closed is not touched. Returns how many closures were added. `apps` lets
    the data migration pass its historical models. Raises ValueError for a country or
    subdivision the `holidays` package does not know.
    """
    if not country:
        return 0
    closure_model = apps.get_model("treatments", "ClinicClosure")
    seed_model = apps.get_model("treatments", "ClinicHolidaySeed")
    wanted = set(years)
    with transaction.atomic():
        done = set(
            seed_model.objects.filter(
                country=country, subdivision=subdivision, year__in=wanted
            ).values_list("year", flat=True)
        )
        todo = sorted(wanted - done)
        if not todo:
            return 0
        calendar = _holiday_calendar(country, subdivision, todo)
        taken = set(
            closure_model.objects.filter(date__year__in=todo).values_list("date", flat=True)
        )
        added = closure_model.objects.bulk_create(
            closure_model(date=day, reason=name[:200], source="holiday")
            for day, name in sorted(calendar.items())
            if day.year in todo and day not in taken
        )
        seed_model.objects.bulk_create(
            seed_model(country=country, subdivision=subdivision, year=year) for year in todo
        )
    return len(added)


def _holiday_calendar(country: str, subdivision: str, years: list[int]) -> dict[date, str]:
    try:
        return dict(holidays.country_holidays(country, subdiv=subdivision or None, years=years))
    except NotImplementedError as exc:  # the package's answer to an unknown code
        raise ValueError(
            f"No public holiday calendar for CLINIC_COUNTRY={country!r}, "
            f"CLINIC_SUBDIVISION={subdivision!r}: {exc}"
        ) from exc
