from decimal import Decimal

import pytest

from clinic.templatetags.contour import money, nav_active


@pytest.mark.parametrize(
    ("link", "path", "active"),
    [
        ("/", "/", True),
        ("/", "/patients/", False),
        ("/patients/", "/patients/12/", True),
        ("/plans/", "/patients/", False),
    ],
)
def test_nav_active(link, path, active):
    assert nav_active(link, path) is active


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("1500"), "$1,500.00"), ("750.5", "$750.50"), (Decimal("-10"), "-$10.00"), (None, "")],
)
def test_money_in_usd(value, text):
    assert money(value) == text


def test_money_in_another_currency(settings):
    settings.CLINIC_CURRENCY = "EUR"
    assert money(Decimal("99.9")) == "99.90 EUR"
