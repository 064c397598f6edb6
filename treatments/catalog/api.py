"""POST /api/v1/plans/preview: the plan engine over JSON (nothing is saved)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from clinic.apikit import IsoDate, bad_request, optional, perm_auth, responses, whole
from treatments.catalog.models import BodyArea, Condition
from treatments.catalog.services import plan_preview
from treatments.engine import planning
from treatments.engine.pricing import to_cents

router = Router(tags=["plans"])


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


def _codes_of(model) -> Callable[[dict], None]:
    """The schema's `enum`: the catalog's codes when the document is served (the catalog is
    edited in the admin, so the document follows it)."""

    def extra(schema: dict) -> None:
        codes = sorted(model.objects.values_list("code", flat=True))
        if codes:  # an empty catalog has nothing to list (and JSON Schema wants one value)
            schema["enum"] = codes

    return extra


def measure(low: float, high: float, description: str, *, exclusive_low: bool = False) -> Any:
    """A measurement: a JSON number within bounds (not a string, not NaN or infinity)."""
    bounds = {"gt": low} if exclusive_low else {"ge": low}
    return Field(..., le=high, allow_inf_nan=False, strict=True, description=description, **bounds)


def _decimal(value: float | None) -> Decimal | None:
    # The shortest text of the float: at most 17 digits, so no absurd precision gets through.
    return None if value is None else Decimal(repr(float(value)))


# Money: "3000.00", 0 to 10,000,000 with at most two decimals — the pattern is the range.
MONEY_PATTERN = r"^(?:(?:0|[1-9][0-9]{0,6})(?:\.[0-9]{1,2})?|10000000(?:\.00?)?)$"


Age = whole(ge=0, le=120, description="Age in years.")
DowntimeDays = whole(None, ge=0, le=365, description="The most downtime acceptable, in days.")


class PreviewPatient(StrictSchema):
    """The patient's facts the engine needs (nothing is stored)."""

    age: Age
    sex: Literal["female", "male", "other"]
    height_cm: float = measure(50, 250, "Height in centimetres.")
    weight_kg: float = measure(20, 400, "Weight in kilograms.")
    weight_stable: bool = Field(True, strict=True, description="Stable for the last 6 months.")
    conditions: list[
        Annotated[str, Field(max_length=64, json_schema_extra=_codes_of(Condition))]
    ] = Field(default_factory=list, max_length=50, description="Condition codes from screening.")


class PreviewArea(StrictSchema):
    area: str = Field(
        ...,
        max_length=64,
        description="Body area code, e.g. upper_back; each area once.",
        json_schema_extra=_codes_of(BodyArea),
    )
    pinch_mm: float = measure(0, 200, "Pinch thickness in mm.", exclusive_low=True)
    size: Literal["small", "medium", "large"]
    consistency: Literal["soft", "firm", "fibrous"] = "soft"
    skin_laxity: Literal["none", "mild", "moderate", "severe"] = "none"


class PreviewPreferences(StrictSchema):
    max_downtime_days: DowntimeDays
    budget: str = optional(
        pattern=MONEY_PATTERN, max_length=11, description='Money, e.g. "3000.00" (0-10,000,000).'
    )
    start_date: IsoDate = optional(
        description="Earliest start, YYYY-MM-DD, within the next two years."
    )
    goal_pinch_mm: float = optional(
        gt=0,
        le=200,
        allow_inf_nan=False,
        strict=True,
        description="Goal pinch in mm; the catalog default when absent.",
    )


class PreviewRequest(StrictSchema):
    patient: PreviewPatient
    areas: list[PreviewArea] = Field(..., min_length=1, max_length=9)
    preferences: PreviewPreferences = Field(default_factory=PreviewPreferences)


class PreviewSessionArea(Schema):
    area: str
    units: int
    unit: str


class PreviewSession(Schema):
    number: int
    date: date
    duration_minutes: int
    areas: list[PreviewSessionArea]


class PreviewLineItem(Schema):
    description: str
    unit: str
    quantity: int
    unit_price: str
    amount: str


class PreviewDiscount(Schema):
    description: str
    amount: str


class PreviewPaymentPlan(Schema):
    months: int
    monthly: str
    first_payment: str = Field(..., description="The first instalment, with the remainder.")


class PreviewCost(Schema):
    line_items: list[PreviewLineItem]
    subtotal: str
    discount: str
    discounts: list[PreviewDiscount]
    total: str
    deposit: str
    payment_plans: list[PreviewPaymentPlan]


class PreviewOption(Schema):
    treatment: str
    name: str
    rank: int
    score: int
    reasons: list[str]
    warnings: list[str]
    sessions: list[PreviewSession]
    cost: PreviewCost
    downtime_days: int
    results_from: date
    final_results_by: date
    aftercare: str


class PreviewExcluded(Schema):
    treatment: str
    name: str
    reasons: list[str]


class PreviewResult(Schema):
    engine_version: str
    currency: str
    bmi: str
    goal_pinch_mm: str
    options: list[PreviewOption]
    excluded: list[PreviewExcluded]


def money(amount: Decimal) -> str:
    return f"{to_cents(amount):.2f}"


def preview_to_json(result: planning.PlanResult) -> dict:
    """The engine's result in the API's words: money as 2-decimal strings."""
    return {
        "engine_version": result.engine_version,
        "currency": result.currency,
        "bmi": f"{result.bmi:.1f}",
        "goal_pinch_mm": format(result.goal_pinch_mm.normalize(), "f"),
        "options": [
            {
                "treatment": o.treatment,
                "name": o.name,
                "rank": o.rank,
                "score": o.score,
                "reasons": list(o.reasons),
                "warnings": list(o.warnings),
                "sessions": [
                    {
                        "number": s.number,
                        "date": s.date,
                        "duration_minutes": s.duration_minutes,
                        "areas": [
                            {"area": a.area, "units": a.units, "unit": a.unit} for a in s.areas
                        ],
                    }
                    for s in o.sessions
                ],
                "cost": {
                    "line_items": [
                        {
                            "description": i.description,
                            "unit": i.unit,
                            "quantity": i.quantity,
                            "unit_price": money(i.unit_price),
                            "amount": money(i.amount),
                        }
                        for i in o.cost.line_items
                    ],
                    "subtotal": money(o.cost.subtotal),
                    "discount": money(o.cost.discount),
                    "discounts": [
                        {"description": d.description, "amount": money(d.amount)}
                        for d in o.cost.discounts
                    ],
                    "total": money(o.cost.total),
                    "deposit": money(o.cost.deposit),
                    "payment_plans": [
                        {
                            "months": p.months,
                            "monthly": money(p.monthly),
                            "first_payment": money(p.first),
                        }
                        for p in o.cost.payment_plans
                    ],
                },
                "downtime_days": o.downtime_days,
                "results_from": o.results_from,
                "final_results_by": o.final_results_by,
                "aftercare": o.aftercare,
            }
            for o in result.options
        ],
        "excluded": [
            {"treatment": e.treatment, "name": e.name, "reasons": list(e.reasons)}
            for e in result.excluded
        ],
    }


@router.post(
    "/plans/preview",
    auth=perm_auth("treatments.preview_plan"),
    response=responses(200, PreviewResult, found=False),
    summary="Preview the treatment options for a patient's areas",
    description=(
        "Every catalog treatment, either as an option (best first, with its rank, reasons, "
        "warnings, session dates, cost and timeline) or excluded with every reason. Money is a "
        "string with two decimals; dates are YYYY-MM-DD. Nothing is saved. Needs the "
        "treatments.preview_plan permission."
    ),
)
def preview_plan(request: HttpRequest, payload: PreviewRequest):
    p, prefs = payload.patient, payload.preferences
    try:
        result = plan_preview(
            patient=planning.PatientFacts(
                age=p.age,
                sex=p.sex,
                height_cm=_decimal(p.height_cm),
                weight_kg=_decimal(p.weight_kg),
                weight_stable=p.weight_stable,
                conditions=frozenset(p.conditions),
            ),
            areas=[
                planning.AreaInput(
                    area=a.area,
                    pinch_mm=_decimal(a.pinch_mm),
                    size=a.size,
                    consistency=a.consistency,
                    skin_laxity=a.skin_laxity,
                )
                for a in payload.areas
            ],
            preferences=planning.Preferences(
                max_downtime_days=prefs.max_downtime_days,
                budget=Decimal(prefs.budget) if prefs.budget is not None else None,
                start_date=prefs.start_date,
                goal_pinch_mm=_decimal(prefs.goal_pinch_mm),
            ),
            today=timezone.localdate(),
        )
    except ValidationError as exc:
        raise bad_request(exc.message_dict) from exc
    return preview_to_json(result)
