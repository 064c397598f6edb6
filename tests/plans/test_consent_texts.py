"""Consent texts: seeded per treatment, versioned on every edit."""

import pytest

from treatments.catalog.models import Treatment
from treatments.plans import services
from treatments.plans.models import ConsentText

pytestmark = pytest.mark.django_db


def test_every_treatment_has_a_seeded_consent_that_says_it_is_not_weight_loss():
    for treatment in Treatment.objects.all():
        text = ConsentText.objects.get(treatment=treatment)
        assert text.version == 1
        assert "not a weight-loss solution" in text.body
        assert treatment.name in text.body


def test_an_edit_is_a_new_version_and_the_old_one_stays():
    treatment = Treatment.objects.get(code="cryolipolysis")
    old = ConsentText.objects.get(treatment=treatment)
    new = services.consent_text_publish(treatment=treatment, title=old.title, body="Changed")
    assert new.version == 2
    old.refresh_from_db()
    assert old.body != "Changed"
