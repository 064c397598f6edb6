"""Plan services: from an assessment to an accepted, consented plan."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from consultations import maps
from consultations.answers import planning_preferences
from consultations.selectors import assessment_conditions, intake_latest_submitted
from treatments.catalog.models import Condition, Treatment
from treatments.catalog.selectors import (
    catalog_settings_get,
    catalog_snapshot,
    closures_snapshot,
)
from treatments.engine import adjustments, planning
from treatments.engine.pricing import Cost, ExtraDiscount, PricingSettings, format_money
from treatments.plans import lifecycle
from treatments.plans.models import (
    ConsentLink,
    ConsentText,
    Plan,
    PlanChangeKind,
    PlanConsent,
    PlanLineItem,
    PlanSession,
    PlanStatus,
    PlanStatusChange,
    SignerRole,
)
from treatments.plans.selectors import plan_blocked_reason

# --- Plans: from an assessment to an accepted, consented plan --------------------------------

QUOTE_VALID_DAYS = 30
# JSON lists may be empty (no exclusions, no payment plans); the model does not say blank=True.
JSON_FIELDS = ["option", "excluded", "reasons", "warnings", "payment_plans"]
SPEC_DECIMALS = ("price_per_unit", "reduction_percent", "min_pinch_mm")
SPEC_OPTIONAL_DECIMALS = ("bmi_limit", "bmi_limit_submental")
# The treatment map's numbers (older snapshots have none: the spec's defaults apply).
SPEC_MAP_DECIMALS = ("grid_spacing_cm", "dose_ml_per_site", "ml_per_unit", "max_ml_per_session")


@dataclass(frozen=True)
class Generated:
    """The engine's answer for an assessment, with what went into it."""

    result: planning.PlanResult
    patient: planning.PatientFacts
    areas: tuple[planning.AreaInput, ...]
    preferences: planning.Preferences
    catalog: planning.Catalog
    blocked_reason: str = ""  # why no plan can be accepted at all (pregnancy)


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def spec_from_snapshot(data: Mapping) -> planning.TreatmentSpec:
    """The treatment as the plan was made with it (never the current catalog)."""
    values = {f.name: data[f.name] for f in fields(planning.TreatmentSpec) if f.name in data}
    for name in SPEC_DECIMALS:
        values[name] = Decimal(values[name])
    for name in SPEC_OPTIONAL_DECIMALS:
        values[name] = Decimal(values[name]) if values.get(name) is not None else None
    for name in SPEC_MAP_DECIMALS:
        if name in values:
            values[name] = Decimal(values[name])
    values["cleared_areas"] = frozenset(values.get("cleared_areas", ()))
    return planning.TreatmentSpec(**values)


def pricing_from_snapshot(data: Mapping) -> PricingSettings:
    return PricingSettings(
        course_discount_percent=Decimal(data["course_discount_percent"]),
        course_discount_min_sessions=int(data["course_discount_min_sessions"]),
        deposit_percent=Decimal(data["deposit_percent"]),
        payment_plan_months=tuple(data["payment_plan_months"]),
    )


def plan_generate_options(*, assessment, today: date, goal_pinch_mm: Decimal | None = None):
    """Run the engine on an assessment: the patient's age and sex, the assessment's
    measurements and areas, the latest submitted intake's conditions with the provider's
    additions and clearances, and the downtime and budget the patient gave in the intake."""
    patient = assessment.patient
    screening = intake_latest_submitted(patient=patient)
    blocks = dict(Condition.objects.values_list("code", "blocks_treatment"))
    conditions = [
        c for c in assessment_conditions(assessment=assessment, screening=screening) if c in blocks
    ]
    facts = planning.PatientFacts(
        age=patient.age_on(today),
        sex=patient.sex,
        height_cm=Decimal(assessment.height_cm),
        weight_kg=Decimal(assessment.weight_kg),
        weight_stable=assessment.weight_stable,
        conditions=frozenset(conditions),
    )
    areas = tuple(
        planning.AreaInput(
            area=row.area.code,
            pinch_mm=Decimal(row.pinch_mm),
            size=row.size,
            consistency=row.consistency,
            skin_laxity=row.skin_laxity,
            zone=maps.as_points(row.zone_points or ()),
            placements=maps.as_placed(row.placements or ()),
        )
        for row in assessment.areas.all()
    )
    preferences = planning_preferences(
        screening.answers if screening else {}, goal_pinch_mm=goal_pinch_mm
    )
    settings = catalog_settings_get()
    catalog = catalog_snapshot(catalog_settings=settings)
    result = planning.plan_options(
        patient=facts,
        areas=areas,
        preferences=preferences,
        catalog=catalog,
        closures=closures_snapshot(catalog_settings=settings, since=today),
        start=today,
    )
    blocked = ""
    if any(blocks[code] for code in facts.conditions):
        blocked = (
            "The patient is pregnant or breastfeeding (from the intake or this assessment), so "
            "no treatment can be planned or accepted now. Offer a new consultation afterwards."
        )
    return Generated(
        result=result,
        patient=facts,
        areas=areas,
        preferences=preferences,
        catalog=catalog,
        blocked_reason=blocked,
    )


def _record_status(
    plan: Plan,
    *,
    to_status: str,
    by,
    note: str = "",
    from_status="",
    kind: str = PlanChangeKind.STATUS,
    by_name: str = "",
) -> None:
    change = PlanStatusChange(
        plan=plan,
        from_status=from_status,
        to_status=to_status,
        by=by,
        by_name=by_name,
        note=note,
        kind=kind,
    )
    change.full_clean()
    change.save()


def _write_schedule(plan: Plan, sessions, cost: Cost) -> None:
    """Replace the plan's sessions and line items, and copy the cost onto it."""
    plan.sessions.all().delete()
    plan.line_items.all().delete()
    PlanSession.objects.bulk_create(
        PlanSession(
            plan=plan,
            number=s.number,
            planned_date=s.date,
            duration_minutes=s.duration_minutes,
            areas=[{"area": a.area, "units": a.units, "unit": a.unit} for a in s.areas],
        )
        for s in sessions
    )
    items = [
        PlanLineItem(
            plan=plan,
            position=i,
            description=item.description,
            quantity=item.quantity,
            unit=item.unit,
            unit_price=item.unit_price,
            amount=item.amount,
        )
        for i, item in enumerate(cost.line_items)
    ]
    PlanLineItem.objects.bulk_create(items)
    extra = Decimal("0.00")
    if plan.extra_discount_reason and cost.discounts:
        extra = cost.discounts[-1].amount  # price_course puts the extra discount last
    plan.subtotal = cost.subtotal
    plan.discount = cost.discount - extra
    plan.extra_discount = extra
    plan.total = cost.total
    plan.deposit = cost.deposit
    plan.payment_plans = [
        {"months": p.months, "monthly": str(p.monthly), "first": str(p.first)}
        for p in cost.payment_plans
    ]
    plan.start_date = sessions[0].date
    first_weeks = plan.option["spec"]["first_results_weeks"]
    final_weeks = plan.option["spec"]["final_results_weeks"]
    plan.results_from = sessions[0].date + timedelta(weeks=first_weeks)
    plan.final_results_by = sessions[-1].date + timedelta(weeks=final_weeks)


@transaction.atomic
def plan_create_from_option(
    *,
    assessment,
    treatment_code: str,
    by,
    today: date,
    supersedes: Plan | None = None,
    goal_pinch_mm: Decimal | None = None,
) -> Plan:
    """A draft plan from one of the engine's options, as a snapshot: the option, the
    treatment's numbers and texts, the pricing terms, sessions, line items and warnings."""
    generated = plan_generate_options(
        assessment=assessment, today=today, goal_pinch_mm=goal_pinch_mm
    )
    if generated.blocked_reason:
        raise ValidationError(generated.blocked_reason)
    option = next((o for o in generated.result.options if o.treatment == treatment_code), None)
    if option is None:
        raise ValidationError("That treatment is not an option for this assessment.")
    treatment = Treatment.objects.get(code=treatment_code)
    spec = next(s for s in generated.catalog.treatments if s.code == treatment_code)
    snapshot = _jsonable(option)
    snapshot["spec"] = _jsonable(spec)
    snapshot["pricing"] = _jsonable(generated.catalog.pricing)
    snapshot["area_names"] = dict(generated.catalog.area_names)
    snapshot["patient"] = _jsonable(generated.patient)
    snapshot["bmi"] = str(generated.result.bmi)
    snapshot["maps"] = _map_snapshots(assessment, treatment_code, generated.catalog)
    snapshot["info"] = {
        "how_it_works": treatment.how_it_works,
        "side_effects": treatment.side_effects,
        "serious_risks": treatment.serious_risks,
        "regulatory_note": treatment.regulatory_note,
        "aftercare": treatment.aftercare,
        "downtime_note": treatment.downtime_note,
        "unit_description": treatment.unit_description,
    }
    plan = Plan(
        patient=assessment.patient,
        assessment=assessment,
        treatment=treatment,
        status=PlanStatus.DRAFT,
        engine_version=generated.result.engine_version,
        currency=generated.result.currency,
        start_date=option.sessions[0].date,
        goal_pinch_mm=int(generated.result.goal_pinch_mm),
        option=snapshot,
        excluded=_jsonable(generated.result.excluded),
        reasons=list(option.reasons),
        warnings=list(option.warnings),
        subtotal=option.cost.subtotal,
        total=option.cost.total,
        deposit=option.cost.deposit,
        downtime_days=option.downtime_days,
        valid_until=today + timedelta(days=QUOTE_VALID_DAYS),
        supersedes=supersedes,
        created_by=by,
    )
    plan.full_clean(exclude=JSON_FIELDS)
    plan.save()
    _write_schedule(plan, option.sessions, option.cost)
    plan.save()
    _record_status(plan, to_status=PlanStatus.DRAFT, by=by, note=f"From option {option.rank}")
    return plan


def _map_snapshots(assessment, treatment_code: str, catalog: planning.Catalog) -> list[dict]:
    """Each mapped area's map as this plan used it (zone, grid sites, this treatment's
    placements with their footprints), kept with the plan so it never changes later."""
    return [
        maps.assessed_area_map(row, catalog=catalog, only_treatment=treatment_code)
        for row in assessment.areas.all()
        if row.has_map
    ]


def _area_plans(plan: Plan, spec, sessions) -> tuple[planning.AreaPlan, ...]:
    """Each area's units per session and number of sessions in the adjusted schedule, with the
    pinch expected after them (from the assessment, by the catalog's planning assumption)."""
    pinches = {}
    if plan.assessment_id:
        pinches = {row.area.code: row.pinch_mm for row in plan.assessment.areas.all()}
    counts: dict[str, list[int]] = {}
    for session in sessions:
        for area in session.areas:
            counts.setdefault(area.area, []).append(area.units)
    return tuple(
        planning.AreaPlan(
            area=area,
            units=units[0],
            sessions=len(units),
            expected_pinch_mm=planning.expected_pinch(
                Decimal(pinches.get(area, 0)), spec.reduction_percent, len(units)
            ),
        )
        for area, units in counts.items()
    )


def _session_inputs(plan: Plan) -> tuple[list[str], list[list[str]], dict[str, int]]:
    sessions = list(plan.sessions.all())
    areas_by_session = [[a["area"] for a in s.areas] for s in sessions]
    units: dict[str, int] = {}
    for session in sessions:
        for area in session.areas:
            units.setdefault(area["area"], int(area["units"]))
    return [s.planned_date for s in sessions], areas_by_session, units


@transaction.atomic
def plan_adjust(
    *,
    plan: Plan,
    by,
    today: date,
    session_count: int,
    start_date: date,
    dates: Sequence[date | None],
    units: Mapping[str, int],
    extra_discount: Decimal | None,
    extra_discount_reason: str,
    internal_notes: str,
    patient_notes: str,
) -> Plan:
    """Change a draft within the limits of the treatment it was made with; the cost is
    recomputed by the engine's `course_cost` (`price_course`). Raises ValidationError keyed by
    the adjust form's fields."""
    if not lifecycle.plan_can_be_adjusted(plan):
        raise ValidationError("Only a draft plan can be adjusted.")
    spec = spec_from_snapshot(plan.option["spec"])
    pricing = pricing_from_snapshot(plan.option["pricing"])
    area_names = plan.option.get("area_names", {})
    closures = closures_snapshot(since=min(today, start_date))
    old_dates, areas_by_session, _ = _session_inputs(plan)
    # Extra sessions treat what the last one did.
    areas_by_session = (areas_by_session + [areas_by_session[-1]] * session_count)[:session_count]
    errors = adjustments.check_session_count(session_count, spec)
    errors.update(
        adjustments.check_units(
            units, spec=spec, area_names=area_names, areas_by_session=areas_by_session
        )
    )
    if errors:
        raise ValidationError(errors)

    if start_date != plan.start_date:
        # A new start moves the whole course, at the usual interval.
        new_dates = adjustments.reschedule(
            spec=spec, start=start_date, count=session_count, closures=closures
        )
        if new_dates is None or new_dates[0] != start_date:
            raise ValidationError(
                {"start_date": [f"The clinic is closed on {start_date:%a %b %-d, %Y}."]}
            )
    else:
        new_dates = [d or old for d, old in zip(dates, old_dates, strict=False)]
        new_dates += old_dates[len(new_dates) : session_count]
        while len(new_dates) < session_count:
            more = adjustments.reschedule(
                spec=spec,
                start=new_dates[-1] + timedelta(days=spec.min_interval_days),
                count=1,
                closures=closures,
            )
            new_dates.append(more[0] if more else new_dates[-1])
        new_dates = new_dates[:session_count]
    sessions = adjustments.build_sessions(
        spec=spec, dates=new_dates, units=units, areas_by_session=areas_by_session
    )
    errors = adjustments.check_dates(sessions, spec=spec, closures=closures, earliest=today)
    if start_date != plan.start_date and errors:
        errors = {"start_date": [m for ms in errors.values() for m in ms]}
    # Priced by the engine's own course_cost/price_course, with the plan's snapshot terms.
    catalog = planning.Catalog(
        treatments=(spec,),
        condition_rules=(),
        suitability_rules=(),
        area_names=area_names,
        pricing=pricing,
        currency=plan.currency,
    )
    area_plans = _area_plans(plan, spec, sessions)
    base = planning.course_cost(
        spec=spec, area_plans=area_plans, session_count=len(sessions), catalog=catalog
    )
    errors.update(
        adjustments.check_discount(
            extra_discount, extra_discount_reason, available=base.total, currency=plan.currency
        )
    )
    if errors:
        raise ValidationError(errors)
    reason = extra_discount_reason.strip() if extra_discount else ""
    cost = planning.course_cost(
        spec=spec,
        area_plans=area_plans,
        session_count=len(sessions),
        catalog=catalog,
        extra_discount=ExtraDiscount(reason=reason, amount=extra_discount) if reason else None,
    )
    plan.extra_discount_reason = reason
    plan.internal_notes = internal_notes
    plan.patient_notes = patient_notes
    _write_schedule(plan, sessions, cost)
    plan.full_clean(exclude=JSON_FIELDS)
    plan.save()
    _record_status(
        plan,
        from_status=plan.status,
        to_status=plan.status,
        by=by,
        kind=PlanChangeKind.ADJUSTED,
        note=f"Adjusted: {len(sessions)} sessions from {sessions[0].date:%b %-d, %Y}, "
        f"total {format_money(cost.total, plan.currency)}",
    )
    return plan


@transaction.atomic
def plan_transition(
    *, plan: Plan, to_status: str, by, note: str = "", kind: str = PlanChangeKind.STATUS
) -> Plan:
    """Move a plan to another status, recording who and when (and, for a plan replaced by a
    new draft, that it was). Accepting goes through `consent_record`, which needs the
    patient's signature."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    problem = lifecycle.transition_problem(plan.status, to_status)
    if problem:
        raise ValidationError(problem)
    if to_status == PlanStatus.PRESENTED:
        blocked = plan_blocked_reason(plan=plan)
        if blocked:
            raise ValidationError(blocked)
    from_status = plan.status
    plan.status = to_status
    plan.save(update_fields=["status", "updated_at"])
    _record_status(plan, from_status=from_status, to_status=to_status, by=by, note=note, kind=kind)
    return plan


@transaction.atomic
def plan_supersede(*, plan: Plan, by, today: date) -> Plan:
    """A new draft from the same assessment and treatment; the old plan is cancelled but
    stays readable, linked from the new one."""
    if plan.assessment is None:
        raise ValidationError("Only a plan made from an assessment can be superseded.")
    new = plan_create_from_option(
        assessment=plan.assessment,
        treatment_code=plan.treatment.code,
        by=by,
        today=today,
        supersedes=plan,
        goal_pinch_mm=Decimal(plan.goal_pinch_mm),
    )
    if lifecycle.can_transition(plan.status, PlanStatus.CANCELLED):
        plan_transition(
            plan=plan,
            to_status=PlanStatus.CANCELLED,
            by=by,
            note=f"Superseded by plan {new.pk}",
            kind=PlanChangeKind.SUPERSEDED,
        )
    return new


def consent_text_current(*, treatment: Treatment):
    return (
        ConsentText.objects.filter(treatment=treatment, published_at__isnull=False)
        .order_by("-version")
        .first()
    )


def name_key(name: str) -> str:
    """A name as compared with another: case, accents and spacing aside ("dana  reyes" and
    "Dána Reyes" are "Dana Reyes")."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _signer_errors(
    *, patient, full_name: str, signer_role: str, guardian_relationship: str
) -> dict[str, list[str]]:
    """Who may sign: the patient, under their own name, or a guardian or representative who
    gives their name and how they are related to the patient."""
    if len(full_name.strip()) < 3:
        return {"full_name": ["Type your full name."]}
    if signer_role == SignerRole.GUARDIAN:
        if not guardian_relationship.strip():
            return {"guardian_relationship": ["Say how you are related to the patient."]}
        return {}
    if name_key(full_name) != name_key(patient.full_name):
        return {
            "full_name": [
                f"This is not the patient's name as the clinic has it ({patient.full_name}). "
                "If you are signing for the patient, tick the box below and say how you are "
                "related to them."
            ]
        }
    return {}


def _signature_errors(signature: str) -> dict[str, list[str]]:
    if not signature.startswith("data:image/png;base64,") or len(signature) < 200:
        return {"signature": ["Sign in the box."]}
    if len(signature) > 2_000_000:
        return {"signature": ["The signature image is too large; clear it and sign again."]}
    return {}


def consent_signer(consent: PlanConsent, *, channel_words: str) -> str:
    """Who signed, as the plan's history says it: "Dana Reyes (patient, through the link)",
    "Maria Reyes (guardian: mother, on the clinic's tablet)"."""
    if consent.signer_role == SignerRole.GUARDIAN:
        return f"{consent.full_name} (guardian: {consent.guardian_relationship}, {channel_words})"
    # The patient's name as the clinic has it (their typed one, loosely typed, is on the consent).
    return f"{consent.plan.patient.full_name} (patient, {channel_words})"


@transaction.atomic
def consent_record(
    *,
    plan: Plan,
    full_name: str,
    signature: str,
    consent_text_id: int,
    ip_address: str | None,
    user_agent: str = "",
    by=None,
    channel: str = "tablet",
    link=None,
    signer_role: str = SignerRole.PATIENT,
    guardian_relationship: str = "",
):
    """The patient (or a guardian for them) signs the consent text of the plan's treatment;
    the plan is accepted.

    Stores the typed name and who they are, the drawn signature, the time, IP and the exact
    text and version they read. The history names the signer; a staff member only as the
    witness on the tablet, never the sender of a link."""
    plan = Plan.objects.select_for_update().select_related("treatment", "patient").get(pk=plan.pk)
    if not lifecycle.plan_can_be_signed(plan):
        raise ValidationError("Only a presented plan can be signed.")
    blocked = plan_blocked_reason(plan=plan)
    if blocked:
        raise ValidationError(blocked)
    try:
        text = ConsentText.objects.get(pk=consent_text_id, treatment=plan.treatment)
    except (ConsentText.DoesNotExist, ValueError, TypeError):
        raise ValidationError("The consent text was not found; reload the page.") from None
    errors = _signer_errors(
        patient=plan.patient,
        full_name=full_name,
        signer_role=signer_role,
        guardian_relationship=guardian_relationship,
    )
    errors.update(_signature_errors(signature))
    if errors:
        raise ValidationError(errors)
    guardian = signer_role == SignerRole.GUARDIAN
    consent = PlanConsent(
        plan=plan,
        consent_text=text,
        text_version=text.version,
        text_body=text.body,
        full_name=" ".join(full_name.split()),
        signer_role=SignerRole.GUARDIAN if guardian else SignerRole.PATIENT,
        guardian_relationship=" ".join(guardian_relationship.split()) if guardian else "",
        signature=signature,
        signed_at=timezone.now(),
        ip_address=ip_address or None,
        user_agent=user_agent[:300],
        channel=channel,
        witnessed_by=by,
    )
    consent.full_clean()
    consent.save()
    if link is not None:
        link.used_at = consent.signed_at
        link.save(update_fields=["used_at"])
    plan.status = PlanStatus.ACCEPTED
    plan.save(update_fields=["status", "updated_at"])
    note = f"Consent signed by {consent.full_name} (text version {text.version})"
    if link is not None:
        note += ", through the signing link"
    _record_status(
        plan,
        from_status=PlanStatus.PRESENTED,
        to_status=PlanStatus.ACCEPTED,
        by=by,
        by_name=consent_signer(
            consent,
            channel_words="through the link" if link is not None else "on the clinic's tablet",
        ),
        note=note,
    )
    return consent


CONSENT_LINK_DAYS = 7


@transaction.atomic
def consent_link_create(*, plan: Plan, by, days: int = CONSENT_LINK_DAYS):
    """A link for the patient to sign on their own device; earlier open links are revoked."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not lifecycle.plan_can_be_signed(plan):
        raise ValidationError("Present the plan before sending a link to sign it.")
    blocked = plan_blocked_reason(plan=plan)
    if blocked:
        raise ValidationError(blocked)
    now = timezone.now()
    ConsentLink.objects.filter(plan=plan, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    link = ConsentLink(plan=plan, created_by=by, expires_at=now + timedelta(days=days))
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def consent_text_publish(*, treatment, title: str, body: str, by=None) -> ConsentText:
    """A new version of a treatment's consent text; earlier versions are never changed."""
    latest = (
        ConsentText.objects.select_for_update()
        .filter(treatment=treatment)
        .order_by("-version")
        .first()
    )
    text = ConsentText(
        treatment=treatment,
        version=(latest.version + 1) if latest else 1,
        title=title,
        body=body,
        created_by=by,
    )
    text.full_clean()
    text.save()
    return text
