"""treatments.catalog.migrations._seed.seed_catalog: DOMAIN.md into the database, idempotent, edits kept."""

from decimal import Decimal as D

import pytest
from django.apps import apps

from treatments.catalog.migrations._seed import seed_catalog
from treatments.catalog.models import CatalogSettings, ConditionRule, SuitabilityRule, Treatment
from treatments.catalog.seed import seed_all

pytestmark = pytest.mark.django_db


def counts():
    return (
        Treatment.objects.count(),
        ConditionRule.objects.count(),
        SuitabilityRule.objects.count(),
        CatalogSettings.objects.count(),
    )


def test_migration_seeded_the_catalog():
    assert counts() == (3, 27, 11, 1)
    cryo = Treatment.objects.get(code="cryolipolysis")
    assert cryo.cleared_areas.count() == 9


def test_seeding_again_changes_nothing_and_keeps_clinic_edits():
    Treatment.objects.filter(code="cryolipolysis").update(price_per_unit=D("799.00"))
    seed_catalog(apps)
    assert counts() == (3, 27, 11, 1)
    assert Treatment.objects.get(code="cryolipolysis").price_per_unit == D("799.00")


def test_seed_all_restores_a_flushed_catalog():
    Treatment.objects.all().delete()
    CatalogSettings.objects.all().delete()
    seed_all(apps)
    assert counts() == (3, 27, 11, 1)
