"""Reads of the catalog, shaped for the plan engine (frozen dataclasses, no ORM objects)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from treatments.catalog.defaults import SPEC_FIELDS
from treatments.catalog.models import (
    ApplicatorType,
    BodyArea,
    CatalogSettings,
    ClinicClosure,
    Condition,
    ConditionRule,
    SuitabilityRule,
    Treatment,
)
from treatments.engine import planning
from treatments.engine.pricing import PricingSettings


def treatment_list(*, active_only: bool = True) -> QuerySet[Treatment]:
    """Treatments with their areas and rules, for the catalog page (4 queries when iterated)."""
    qs = Treatment.objects.prefetch_related(
        "cleared_areas",
        Prefetch(
            "condition_rules",
            queryset=ConditionRule.objects.select_related("condition").order_by(
                "action", "condition__name"
            ),
        ),
        "suitability_rules",
    )
    return qs.filter(active=True) if active_only else qs


def catalog_settings_get() -> CatalogSettings:
    return CatalogSettings.current()


def catalog_snapshot(*, catalog_settings: CatalogSettings | None = None) -> planning.Catalog:
    """The active catalog as the engine's `Catalog`. Queries: treatments, their cleared
    areas, condition rules, suitability rules, body areas, applicators, and the settings
    unless given."""
    cs = catalog_settings or catalog_settings_get()
    treatments = list(
        Treatment.objects.filter(active=True).prefetch_related(
            Prefetch("cleared_areas", queryset=BodyArea.objects.only("id", "code"))
        )
    )
    rules = tuple(
        planning.ConditionRule(
            condition=condition, treatment=treatment, action=action, sentence=sentence
        )
        for condition, treatment, action, sentence in ConditionRule.objects.filter(
            treatment__active=True
        )
        .order_by("treatment__sort_order", "pk")
        .values_list("condition__code", "treatment__code", "action", "sentence")
    )
    suitability = tuple(
        planning.SuitabilityRule(treatment=treatment, factor=factor, points=points, reason=reason)
        for treatment, factor, points, reason in SuitabilityRule.objects.filter(
            treatment__active=True
        )
        .order_by("treatment__sort_order", "pk")
        .values_list("treatment__code", "factor", "points", "reason")
    )
    return planning.Catalog(
        treatments=tuple(
            planning.TreatmentSpec(
                **{f: getattr(t, f) for f in SPEC_FIELDS},
                cleared_areas=frozenset(a.code for a in t.cleared_areas.all()),
            )
            for t in treatments
        ),
        condition_rules=rules,
        suitability_rules=suitability,
        area_names=dict(BodyArea.objects.values_list("code", "name")),
        pricing=PricingSettings(
            course_discount_percent=cs.course_discount_percent,
            course_discount_min_sessions=cs.course_discount_min_sessions,
            deposit_percent=cs.deposit_percent,
            payment_plan_months=tuple(cs.plan_months()),
        ),
        default_goal_pinch_mm=cs.default_goal_pinch_mm,
        weight_loss_warning_bmi=cs.weight_loss_warning_bmi,
        currency=settings.CLINIC_CURRENCY,
        applicators=applicator_specs(),
    )


def applicator_specs() -> tuple[planning.ApplicatorSpec, ...]:
    """The active applicators of active treatments, for the treatment map (one query)."""
    return tuple(
        planning.ApplicatorSpec(
            code=code,
            name=name,
            treatment=treatment,
            width_cm=width,
            height_cm=height,
            cycle_minutes=minutes,
            price_per_cycle=price,
        )
        for code, name, treatment, width, height, minutes, price in ApplicatorType.objects.filter(
            active=True, treatment__active=True
        ).values_list(
            "code",
            "name",
            "treatment__code",
            "width_cm",
            "height_cm",
            "cycle_minutes",
            "price_per_cycle",
        )
    )


def closures_snapshot(
    *, catalog_settings: CatalogSettings | None = None, since: date | None = None
) -> planning.Closures:
    """The clinic's closed weekdays and closed dates (from `since` on, when given)."""
    cs = catalog_settings or catalog_settings_get()
    dates = ClinicClosure.objects.all()
    if since is not None:
        dates = dates.filter(date__gte=since)
    return planning.Closures(
        weekdays=frozenset(cs.weekdays_closed()),
        dates=frozenset(dates.values_list("date", flat=True)),
    )


def closures_upcoming(*, since: date, limit: int = 12) -> QuerySet[ClinicClosure]:
    """The next closed dates (the seeded holidays reach years ahead; the past is not news)."""
    return ClinicClosure.objects.filter(date__gte=since).order_by("date")[:limit]


def condition_codes() -> set[str]:
    return set(Condition.objects.values_list("code", flat=True))
