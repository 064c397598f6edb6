"""Pricing a course of treatment: line items, discounts, deposit and payment plans.

Pure Python (no Django, no clock). The plan engine calls `price_course` for every option it
proposes, and a provider's adjusted plan (other session counts, other units per area, an
extra discount with a reason) calls it again with its own items. Money is `Decimal`,
rounded half-up to the cent once per line item, once per discount and once for the deposit;
every total is a sum of rounded amounts, so the figures always add up to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def to_cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PricingSettings:
    """The clinic-wide course and payment terms (from the catalog settings)."""

    course_discount_percent: Decimal = Decimal("10")
    course_discount_min_sessions: int = 3
    deposit_percent: Decimal = Decimal("20")
    payment_plan_months: tuple[int, ...] = (3, 6, 12)


@dataclass(frozen=True)
class Charge:
    """Something to bill: `quantity` units at `unit_price` each."""

    description: str
    quantity: int
    unit_price: Decimal
    unit: str = ""


@dataclass(frozen=True)
class ExtraDiscount:
    """A provider's discount on top of the course discount; the reason is shown on the quote.

    Give either an amount or a percent of what is left after the course discount.
    """

    reason: str
    amount: Decimal | None = None
    percent: Decimal | None = None


@dataclass(frozen=True)
class LineItem:
    description: str
    unit: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Discount:
    description: str
    amount: Decimal


@dataclass(frozen=True)
class PaymentPlan:
    """`months` instalments paying the balance after the deposit; the rounding remainder
    is on the first: first + (months - 1) * monthly == balance."""

    months: int
    first: Decimal
    monthly: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Cost:
    line_items: tuple[LineItem, ...]
    subtotal: Decimal
    discounts: tuple[Discount, ...]
    discount: Decimal
    total: Decimal
    deposit: Decimal
    balance: Decimal
    payment_plans: tuple[PaymentPlan, ...]


def split_instalments(balance: Decimal, months: int) -> PaymentPlan:
    """Equal monthly instalments at 0% interest, the rounding remainder on the first."""
    if months < 1:
        raise ValueError("A payment plan needs at least one month.")
    monthly = (balance / months).quantize(CENT, rounding=ROUND_DOWN)
    first = balance - monthly * (months - 1)
    return PaymentPlan(months=months, first=first, monthly=monthly, balance=balance)


def price_course(
    *,
    charges: Sequence[Charge],
    session_count: int,
    settings: PricingSettings,
    extra_discount: ExtraDiscount | None = None,
) -> Cost:
    """Price a course of `session_count` sessions made of `charges`.

    The course discount applies when the course has at least the settings' threshold of
    sessions; an extra discount never takes the total below zero.
    """
    line_items = tuple(
        LineItem(
            description=c.description,
            unit=c.unit,
            quantity=c.quantity,
            unit_price=to_cents(c.unit_price),
            amount=to_cents(c.unit_price * c.quantity),
        )
        for c in charges
    )
    subtotal = sum((item.amount for item in line_items), Decimal("0.00"))

    discounts: list[Discount] = []
    remaining = subtotal
    percent = settings.course_discount_percent
    if percent > 0 and session_count >= settings.course_discount_min_sessions:
        amount = min(to_cents(subtotal * percent / HUNDRED), remaining)
        discounts.append(
            Discount(
                description=(
                    f"Course discount: {_percent(percent)}% for a course of "
                    f"{settings.course_discount_min_sessions} or more sessions"
                ),
                amount=amount,
            )
        )
        remaining -= amount
    if extra_discount is not None:
        if extra_discount.amount is not None:
            amount = to_cents(extra_discount.amount)
        else:
            amount = to_cents(remaining * (extra_discount.percent or 0) / HUNDRED)
        amount = min(max(amount, Decimal("0.00")), remaining)
        discounts.append(Discount(description=extra_discount.reason, amount=amount))
        remaining -= amount

    discount = sum((d.amount for d in discounts), Decimal("0.00"))
    total = subtotal - discount
    deposit = to_cents(total * settings.deposit_percent / HUNDRED)
    balance = total - deposit
    plans = tuple(split_instalments(balance, months) for months in settings.payment_plan_months)
    return Cost(
        line_items=line_items,
        subtotal=subtotal,
        discounts=tuple(discounts),
        discount=discount,
        total=total,
        deposit=deposit,
        balance=balance,
        payment_plans=plans,
    )


def _percent(value: Decimal) -> str:
    return format(value.normalize(), "f")


def format_money(amount: Decimal, currency: str = "USD") -> str:
    """Patient-readable money: "$1,500.00" (or "1,500.00 EUR" for other currencies)."""
    text = f"{to_cents(amount):,.2f}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"
