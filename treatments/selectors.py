"""Reads of the catalog, shaped for the plan engine (frozen dataclasses, no ORM objects)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from treatments import planning
from treatments.catalog_defaults import SPEC_FIELDS
from treatments.models import (
    BodyArea,
    CatalogSettings,
    ClinicClosure,
    Condition,
    ConditionRule,
    Plan,
    PlanStatusChange,
    SuitabilityRule,
    Treatment,
)
from treatments.pricing import PricingSettings


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
    areas, condition rules, suitability rules, body areas, and the settings unless given."""
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


def condition_codes() -> set[str]:
    return set(Condition.objects.values_list("code", flat=True))


# --- Plans ---------------------------------------------------------------------------------

VIEW_PLAN = "treatments.view_plan"


def plans_for_patient(*, patient) -> list[Plan]:
    """The patient's plans, newest first, with treatment and consents (2 queries)."""
    return list(
        Plan.objects.filter(patient=patient)
        .select_related("treatment", "supersedes")
        .prefetch_related("consents")
    )


def plan_get_for_user(*, user, patient, pk: int) -> Plan:
    """The patient's plan with everything its page shows, or 404 (unknown, another
    patient's, or the user may not see plans)."""
    if not user.has_perm(VIEW_PLAN):
        raise Http404
    from consultations.models import PlanConsent

    try:
        return (
            Plan.objects.select_related(
                "patient", "treatment", "assessment", "supersedes", "created_by"
            )
            .prefetch_related(
                "sessions",
                "line_items",
                Prefetch("status_changes", queryset=PlanStatusChange.objects.select_related("by")),
                Prefetch(
                    "consents",
                    queryset=PlanConsent.objects.select_related("witnessed_by").order_by(
                        "-signed_at"
                    ),
                ),
                "superseded_by",
                "consent_links",
            )
            .get(patient=patient, pk=pk)
        )
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def consent_link_get_by_token(*, token: str):
    """The consent link with its plan, patient and treatment, or None (never raises)."""
    from consultations.models import ConsentLink

    if not token or len(token) > 64:
        return None
    return (
        ConsentLink.objects.select_related("plan__patient", "plan__treatment")
        .filter(token=token)
        .first()
    )


def consent_link_open(*, plan):
    """The plan's link that can still be used, if any."""
    now = timezone.now()
    for link in plan.consent_links.all():
        if link.is_open_at(now):
            return link
    return None


def _plan_events(patient, intakes):
    from consultations.selectors import TimelineEvent

    kinds = {"accepted": "success", "declined": "danger", "cancelled": "secondary"}
    changes = (
        PlanStatusChange.objects.filter(plan__patient=patient)
        .exclude(note__startswith="Adjusted")
        .select_related("plan__treatment", "by")
    )
    for change in changes:
        title = (
            f"{change.plan.treatment.name} plan drafted"
            if not change.from_status
            else f"{change.plan.treatment.name} plan {change.get_to_status_display().lower()}"
        )
        yield TimelineEvent(
            change.at,
            title,
            detail=change.note,
            by=(change.by.get_full_name() or change.by.get_username()) if change.by else "",
            kind=kinds.get(change.to_status, "info"),
        )


def _register_timeline() -> None:
    from consultations.selectors import TIMELINE_SOURCES, register_timeline_source

    if _plan_events not in TIMELINE_SOURCES:
        register_timeline_source(_plan_events)


_register_timeline()
