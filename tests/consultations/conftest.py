import pytest

from tests.consultations.factories import seed_questionnaire


@pytest.fixture
def questionnaire(db):
    return seed_questionnaire()
