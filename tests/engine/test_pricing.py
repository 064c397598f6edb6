"""treatments.engine.pricing: plain functions, no database."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from treatments.engine.pricing import (
    Charge,
    ExtraDiscount,
    PricingSettings,
    format_money,
    price_course,
    split_instalments,
)

SETTINGS = PricingSettings()  # DOMAIN.md: 10% at >= 3 sessions, 20% deposit, 3/6/12 months


def charges(*amounts: tuple[int, str]) -> list[Charge]:
    return [Charge(f"item {i}", q, D(p), "vial") for i, (q, p) in enumerate(amounts)]


@pytest.mark.parametrize(
    ("quantity", "unit_price", "amount"),
    [
        (2, "750.00", "1500.00"),
        (1, "0.005", "0.01"),  # half-up at the cent
        (3, "333.333", "1000.00"),
        (0, "600.00", "0.00"),
    ],
)
def test_line_item_amount_is_rounded_once(quantity, unit_price, amount):
    cost = price_course(charges=charges((quantity, unit_price)), session_count=1, settings=SETTINGS)
    assert cost.line_items[0].amount == D(amount)
    assert cost.subtotal == D(amount)


@pytest.mark.parametrize(
    ("sessions", "discount"),
    [(1, "0.00"), (2, "0.00"), (3, "300.00"), (6, "300.00")],
)
def test_course_discount_from_three_sessions(sessions, discount):
    cost = price_course(charges=charges((4, "750.00")), session_count=sessions, settings=SETTINGS)
    assert cost.discount == D(discount)
    assert cost.total == D("3000.00") - D(discount)
    if sessions >= 3:
        assert cost.discounts[0].description == (
            "Course discount: 10% for a course of 3 or more sessions"
        )


def test_discount_settings_come_from_the_catalog():
    settings = PricingSettings(
        course_discount_percent=D("15"), course_discount_min_sessions=2, deposit_percent=D("50")
    )
    cost = price_course(charges=charges((2, "100.00")), session_count=2, settings=settings)
    assert (cost.discount, cost.total, cost.deposit) == (D("30.00"), D("170.00"), D("85.00"))


def test_deposit_is_twenty_percent_of_the_total():
    cost = price_course(charges=charges((3, "350.00")), session_count=3, settings=SETTINGS)
    assert cost.total == D("945.00")
    assert cost.deposit == D("189.00")
    assert cost.balance == D("756.00")


@pytest.mark.parametrize(
    ("balance", "months", "first", "monthly"),
    [
        ("2400.00", 3, "800.00", "800.00"),
        ("1000.00", 3, "333.34", "333.33"),
        ("1000.00", 6, "166.70", "166.66"),
        ("1000.00", 12, "83.37", "83.33"),
        ("0.05", 12, "0.05", "0.00"),
    ],
)
def test_instalments_put_the_remainder_on_the_first(balance, months, first, monthly):
    plan = split_instalments(D(balance), months)
    assert (plan.first, plan.monthly) == (D(first), D(monthly))
    assert plan.first + plan.monthly * (months - 1) == D(balance)


def test_payment_plans_pay_the_balance_after_the_deposit():
    cost = price_course(charges=charges((1, "1000.00")), session_count=1, settings=SETTINGS)
    assert [p.months for p in cost.payment_plans] == [3, 6, 12]
    for plan in cost.payment_plans:
        assert cost.deposit + plan.first + plan.monthly * (plan.months - 1) == cost.total


def test_extra_discount_amount_with_reason():
    cost = price_course(
        charges=charges((4, "750.00")),
        session_count=3,
        settings=SETTINGS,
        extra_discount=ExtraDiscount(reason="Returning patient", amount=D("100")),
    )
    assert [(d.description, d.amount) for d in cost.discounts][1] == (
        "Returning patient",
        D("100.00"),
    )
    assert cost.total == D("2600.00")


def test_extra_discount_percent_applies_after_the_course_discount():
    cost = price_course(
        charges=charges((4, "750.00")),
        session_count=3,
        settings=SETTINGS,
        extra_discount=ExtraDiscount(reason="Staff", percent=D("10")),
    )
    assert cost.discounts[1].amount == D("270.00")
    assert cost.total == D("2430.00")


def test_extra_discount_never_makes_the_total_negative():
    cost = price_course(
        charges=charges((1, "100.00")),
        session_count=1,
        settings=SETTINGS,
        extra_discount=ExtraDiscount(reason="Goodwill", amount=D("500")),
    )
    assert cost.total == D("0.00")
    assert cost.deposit == D("0.00")


def test_format_money():
    assert format_money(D("1500")) == "$1,500.00"
    assert format_money(D("12.5"), "EUR") == "12.50 EUR"


money = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)


@given(
    items=st.lists(st.tuples(st.integers(0, 40), money), min_size=1, max_size=6),
    sessions=st.integers(1, 12),
    discount_percent=st.decimals(min_value=0, max_value=100, places=2),
    deposit_percent=st.decimals(min_value=0, max_value=100, places=2),
    months=st.lists(st.integers(1, 36), max_size=4),
    extra=st.one_of(st.none(), money),
)
def test_every_sum_adds_up_to_the_cent(
    items, sessions, discount_percent, deposit_percent, months, extra
):
    settings = PricingSettings(
        course_discount_percent=discount_percent,
        course_discount_min_sessions=3,
        deposit_percent=deposit_percent,
        payment_plan_months=tuple(months),
    )
    cost = price_course(
        charges=[Charge("x", q, p) for q, p in items],
        session_count=sessions,
        settings=settings,
        extra_discount=None if extra is None else ExtraDiscount("extra", amount=extra),
    )
    cent = D("0.01")
    for value in (cost.subtotal, cost.discount, cost.total, cost.deposit, cost.balance):
        assert value == value.quantize(cent)
        assert value >= 0
    assert cost.subtotal == sum(i.amount for i in cost.line_items)
    assert cost.discount == sum(d.amount for d in cost.discounts)
    assert cost.total == cost.subtotal - cost.discount
    assert cost.deposit + cost.balance == cost.total
    for plan in cost.payment_plans:
        assert plan.first + plan.monthly * (plan.months - 1) == cost.balance
        assert plan.first >= plan.monthly >= 0
