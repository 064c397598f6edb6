from decimal import Decimal

from consultations.models import Assessment
from treatments.engine import planning


def test_bmi_is_weight_over_height_squared_to_one_decimal():
    assert Assessment(height_cm=Decimal("165"), weight_kg=Decimal("65")).bmi == Decimal("23.9")


def test_bmi_is_unknown_without_measurements():
    assert Assessment(height_cm=None, weight_kg=Decimal("65")).bmi is None


def test_bmi_rounds_half_up_once_like_the_engine():
    # 120.2 / 2.0² is exactly 30.05: half up gives 30.1 (banker's rounding gave 30.0).
    assessment = Assessment(height_cm=Decimal("200"), weight_kg=Decimal("120.2"))
    assert assessment.bmi == Decimal("30.1")
    facts = planning.PatientFacts(
        age=40, sex="female", height_cm=Decimal("200"), weight_kg=Decimal("120.2")
    )
    assert assessment.bmi == planning.bmi(Decimal("200"), Decimal("120.2")) == facts.bmi
