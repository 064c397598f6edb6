import pytest

from tests.consultations.factories import seed_questionnaire


@pytest.fixture
def questionnaire(db):
    return seed_questionnaire()


@pytest.fixture
def metric_clinic(settings):
    """A clinic that asks heights and weights in cm and kg (the default is US units)."""
    settings.CLINIC_UNITS = "metric"


@pytest.fixture
def us_clinic(settings):
    settings.CLINIC_UNITS = "us"
