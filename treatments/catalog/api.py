"""POST /api/v1/plans/preview: the plan engine over JSON (nothing is saved)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from clinic.apikit import bad_request, require_perm
from treatments.catalog.services import plan_preview
from treatments.engine import planning
from treatments.engine.pricing import to_cents

router = Router(tags=["plans"])


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class PatientIn(StrictSchema):
    age: int = Field(..., ge=0, le=120)
    sex: Literal["female", "male", "other"]
    height_cm: Decimal = Field(..., ge=50, le=250, description="Height in centimetres.")
    weight_kg: Decimal = Field(..., ge=20, le=400, description="Weight in kilograms.")
    weight_stable: bool = Field(True, description="Stable for the last 6 months.")
    conditions: list[str] = Field(default_factory=list, description="Condition codes.")


class AreaIn(StrictSchema):
    area: str = Field(..., description="Body area code, e.g. upper_back.")
    pinch_mm: Decimal = Field(..., gt=0, le=200, description="Pinch thickness in mm.")
    size: Literal["small", "medium", "large"]
    consistency: Literal["soft", "firm", "fibrous"] = "soft"
    skin_laxity: Literal["none", "mild", "moderate", "severe"] = "none"


class PreferencesIn(StrictSchema):
    max_downtime_days: int | None = Field(None, ge=0, le=365)
    budget: Decimal | None = Field(None, ge=0, le=10_000_000, description='Money, e.g. "3000.00".')
    start_date: date | None = Field(None, description="Earliest start, YYYY-MM-DD.")
    goal_pinch_mm: Decimal | None = Field(
        None, gt=0, le=200, description="Goal pinch in mm; the catalog default when absent."
    )


class PreviewIn(StrictSchema):
    patient: PatientIn
    areas: list[AreaIn] = Field(..., min_length=1, max_length=9)
    preferences: PreferencesIn = Field(default_factory=PreferencesIn)


class SessionAreaOut(Schema):
    area: str
    units: int
    unit: str


class SessionOut(Schema):
    number: int
    date: date
    duration_minutes: int
    areas: list[SessionAreaOut]


class LineItemOut(Schema):
    description: str
    unit: str
    quantity: int
    unit_price: str
    amount: str


class DiscountOut(Schema):
    description: str
    amount: str


class PaymentPlanOut(Schema):
    months: int
    monthly: str
    first_payment: str = Field(..., description="The first instalment, with the remainder.")


class CostOut(Schema):
    line_items: list[LineItemOut]
    subtotal: str
    discount: str
    discounts: list[DiscountOut]
    total: str
    deposit: str
    payment_plans: list[PaymentPlanOut]


class OptionOut(Schema):
    treatment: str
    name: str
    rank: int
    score: int
    reasons: list[str]
    warnings: list[str]
    sessions: list[SessionOut]
    cost: CostOut
    downtime_days: int
    results_from: date
    final_results_by: date
    aftercare: str


class ExcludedOut(Schema):
    treatment: str
    name: str
    reasons: list[str]


class PreviewOut(Schema):
    engine_version: str
    currency: str
    bmi: str
    goal_pinch_mm: str
    options: list[OptionOut]
    excluded: list[ExcludedOut]


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str


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
    response={200: PreviewOut, 400: ErrorsOut, 401: DetailOut, 403: DetailOut},
    summary="Preview the treatment options for a patient's areas",
    description=(
        "Every catalog treatment, either as an option (best first, with its rank, reasons, "
        "warnings, session dates, cost and timeline) or excluded with every reason. Money is a "
        "string with two decimals; dates are YYYY-MM-DD. Nothing is saved. Needs the "
        "treatments.preview_plan permission."
    ),
)
def preview(request: HttpRequest, payload: PreviewIn):
    require_perm(request, "treatments.preview_plan")
    p, prefs = payload.patient, payload.preferences
    try:
        result = plan_preview(
            patient=planning.PatientFacts(
                age=p.age,
                sex=p.sex,
                height_cm=p.height_cm,
                weight_kg=p.weight_kg,
                weight_stable=p.weight_stable,
                conditions=frozenset(p.conditions),
            ),
            areas=[
                planning.AreaInput(
                    area=a.area,
                    pinch_mm=a.pinch_mm,
                    size=a.size,
                    consistency=a.consistency,
                    skin_laxity=a.skin_laxity,
                )
                for a in payload.areas
            ],
            preferences=planning.Preferences(
                max_downtime_days=prefs.max_downtime_days,
                budget=prefs.budget,
                start_date=prefs.start_date,
                goal_pinch_mm=prefs.goal_pinch_mm,
            ),
            today=timezone.localdate(),
        )
    except ValidationError as exc:
        raise bad_request(exc.message_dict) from exc
    return preview_to_json(result)
