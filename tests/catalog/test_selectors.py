"""treatments.selectors: the seeded catalog, loaded into the engine's snapshot."""

from datetime import date
from decimal import Decimal as D

import pytest

from treatments.catalog.defaults import default_catalog
from treatments.catalog.models import CatalogSettings, ClinicClosure, Treatment
from treatments.catalog.selectors import (
    catalog_snapshot,
    closures_snapshot,
    condition_codes,
    treatment_list,
)

pytestmark = pytest.mark.django_db


def test_the_seeded_catalog_reproduces_domain_md():
    loaded, expected = catalog_snapshot(), default_catalog()
    assert loaded.treatments == expected.treatments
    assert set(loaded.condition_rules) == set(expected.condition_rules)
    assert len(loaded.condition_rules) == len(expected.condition_rules)
    assert set(loaded.suitability_rules) == set(expected.suitability_rules)
    assert loaded.area_names == expected.area_names
    assert loaded.pricing == expected.pricing
    assert loaded.default_goal_pinch_mm == expected.default_goal_pinch_mm
    assert loaded.weight_loss_warning_bmi == expected.weight_loss_warning_bmi
    assert loaded.currency == "USD"
    assert loaded.applicators == expected.applicators


def test_catalog_snapshot_takes_a_fixed_number_of_queries(django_assert_num_queries):
    # 1 settings, 2 treatments, 3 their cleared areas, 4 condition rules,
    # 5 suitability rules, 6 body area names, 7 applicators (the treatment map).
    with django_assert_num_queries(7):
        catalog_snapshot()
    settings = CatalogSettings.current()
    with django_assert_num_queries(6):
        catalog_snapshot(catalog_settings=settings)


def test_inactive_treatments_are_left_out():
    Treatment.objects.filter(code="laser_lipolysis").update(active=False)
    catalog = catalog_snapshot()
    assert [t.code for t in catalog.treatments] == ["deoxycholic_injection", "cryolipolysis"]
    assert all(r.treatment != "laser_lipolysis" for r in catalog.condition_rules)


def test_settings_reach_the_snapshot():
    CatalogSettings.objects.update(
        course_discount_percent=D("12.5"), payment_plan_months="6, 24", deposit_percent=D(0)
    )
    pricing = catalog_snapshot().pricing
    assert pricing.course_discount_percent == D("12.5")
    assert pricing.payment_plan_months == (6, 24)
    assert pricing.deposit_percent == D(0)


def test_defaults_when_no_settings_row():
    CatalogSettings.objects.all().delete()
    assert catalog_snapshot().pricing.payment_plan_months == (3, 6, 12)
    assert closures_snapshot().weekdays == frozenset({6})


def test_closures_snapshot(django_assert_num_queries):
    ClinicClosure.objects.create(date=date(2027, 1, 1), reason="New Year")
    ClinicClosure.objects.create(date=date(2026, 1, 1), reason="Last year")
    CatalogSettings.objects.update(closed_weekdays="5,6")
    # 1 settings, 2 closed dates
    with django_assert_num_queries(2):
        closures = closures_snapshot(since=date(2026, 6, 1))
    assert closures.weekdays == frozenset({5, 6})
    assert closures.dates == frozenset({date(2027, 1, 1)})


def test_condition_codes_are_the_seeded_ones():
    assert {"pregnancy", "anticoagulants", "photosensitizing_medication"} <= condition_codes()
    assert len(condition_codes()) == 16


def test_treatment_list_prefetches(django_assert_num_queries):
    # 1 treatments, 2 cleared areas, 3 condition rules with conditions, 4 suitability rules
    with django_assert_num_queries(4):
        rows = [
            (
                t.name,
                [a.code for a in t.cleared_areas.all()],
                [r.condition.code for r in t.condition_rules.all()],
                [r.points for r in t.suitability_rules.all()],
            )
            for t in treatment_list()
        ]
    assert [r[0] for r in rows] == [
        "Fat-dissolving injections (deoxycholic acid)",
        "Cryolipolysis (fat freezing)",
        "Laser lipolysis (1060 nm)",
    ]


def test_model_choices_match_the_engine():
    from treatments.catalog.models import ConditionRule as ConditionRuleModel
    from treatments.catalog.models import SuitabilityRule as SuitabilityRuleModel
    from treatments.engine.planning import EXCLUDE, FACTORS, WARN

    assert [code for code, _ in SuitabilityRuleModel.FACTORS] == list(FACTORS)
    assert [code for code, _ in ConditionRuleModel.ACTIONS] == [EXCLUDE, WARN]
