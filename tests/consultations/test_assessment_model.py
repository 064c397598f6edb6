from decimal import Decimal

from consultations.models import Assessment


def test_bmi_is_weight_over_height_squared_to_one_decimal():
    assert Assessment(height_cm=Decimal("165"), weight_kg=Decimal("65")).bmi == Decimal("23.9")


def test_bmi_is_unknown_without_measurements():
    assert Assessment(height_cm=None, weight_kg=Decimal("65")).bmi is None
