import pytest
from django.apps import apps

from consultations.seed import seed_default_questionnaire
from consultations.selectors import questionnaire_current
from treatments.seed import seed_body_areas, seed_conditions


@pytest.fixture
def questionnaire(db):
    """The seeded default questionnaire (re-seeded: a transactional flush removes it)."""
    seed_conditions(apps)
    seed_body_areas(apps)
    seed_default_questionnaire(apps)
    return questionnaire_current()
