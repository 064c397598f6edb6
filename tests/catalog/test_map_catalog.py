"""The treatment map's catalog: applicator types seeded from their sources, edited in the
admin by clinic admins, and the treatments' grid numbers."""

from decimal import Decimal as D

import pytest
from django.apps import apps
from django.urls import reverse

from treatments.catalog.migrations._applicator_seed import seed_applicators
from treatments.catalog.models import ApplicatorType, Treatment
from treatments.catalog.selectors import catalog_snapshot

pytestmark = pytest.mark.django_db


def test_the_migration_seeded_the_applicators_with_their_sources():
    cups = ApplicatorType.objects.filter(treatment__code="cryolipolysis")
    assert cups.count() == 4
    for cup in cups:
        assert D(35) <= cup.cycle_minutes <= D(75)  # DOMAIN.md: 35-75 minutes a cycle
        assert cup.price_per_cycle == D("750.00")
        assert "DOMAIN.md" in cup.source
    laser = ApplicatorType.objects.get(code="laser_flat")
    assert (laser.cycle_minutes, laser.price_per_cycle) == (25, D("350.00"))
    injection = Treatment.objects.get(code="deoxycholic_injection")
    assert (
        injection.map_kind,
        injection.grid_spacing_cm,
        injection.dose_ml_per_site,
        injection.ml_per_unit,
        injection.max_sites_per_session,
        injection.max_ml_per_session,
    ) == ("injection_grid", D("1"), D("0.2"), D("2"), 50, D("10"))


def test_seeding_again_keeps_the_clinics_edits():
    ApplicatorType.objects.filter(code="cryo_large_cup").update(cycle_minutes=45)
    Treatment.objects.filter(code="cryolipolysis").update(map_kind="")
    Treatment.objects.filter(code="deoxycholic_injection").update(max_sites_per_session=40)
    seed_applicators(apps)
    assert ApplicatorType.objects.get(code="cryo_large_cup").cycle_minutes == 45
    assert ApplicatorType.objects.count() == 5
    assert Treatment.objects.get(code="deoxycholic_injection").max_sites_per_session == 40


def test_the_engine_reads_the_clinics_applicators():
    ApplicatorType.objects.filter(code="cryo_large_cup").update(
        price_per_cycle=D("800.00"), width_cm=D("7.5")
    )
    ApplicatorType.objects.filter(code="cryo_flat").update(active=False)
    catalog = catalog_snapshot()
    cup = catalog.applicator("cryo_large_cup")
    assert (cup.price_per_cycle, cup.width_cm) == (D("800.00"), D("7.5"))
    assert catalog.applicator("cryo_flat") is None


def test_clinic_admin_edits_an_applicator(client_for, clinic_admin):
    cup = ApplicatorType.objects.get(code="cryo_small_cup")
    url = reverse("admin:treatments_applicatortype_change", args=[cup.pk])
    client = client_for(clinic_admin)
    assert client.get(reverse("admin:treatments_applicatortype_changelist")).status_code == 200
    data = {
        "treatment": cup.treatment_id,
        "code": cup.code,
        "name": "CoolMini-style cup",
        "width_cm": "4.5",
        "height_cm": "9",
        "cycle_minutes": "45",
        "price_per_cycle": "650.00",
        "active": "on",
        "sort_order": "2",
        "source": "Measured on our own cup",
    }
    assert client.post(url, data).status_code == 302
    cup.refresh_from_db()
    assert (cup.name, cup.width_cm, cup.cycle_minutes) == ("CoolMini-style cup", D("4.5"), 45)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("width_cm", "0", "A footprint is at least 0.5 cm wide."),
        ("cycle_minutes", "0", "Must be at least 1."),
        ("price_per_cycle", "-1", "Must be zero or more."),
    ],
)
def test_nonsense_is_refused_at_the_field(client_for, clinic_admin, field, value, message):
    cup = ApplicatorType.objects.get(code="cryo_small_cup")
    data = {
        "treatment": cup.treatment_id,
        "code": cup.code,
        "name": cup.name,
        "width_cm": "5",
        "height_cm": "10",
        "cycle_minutes": "35",
        "price_per_cycle": "750.00",
        "active": "on",
        "sort_order": "2",
        field: value,
    }
    response = client_for(clinic_admin).post(
        reverse("admin:treatments_applicatortype_change", args=[cup.pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_providers_may_not_edit_applicators(client_for, provider):
    cup = ApplicatorType.objects.get(code="cryo_small_cup")
    url = reverse("admin:treatments_applicatortype_change", args=[cup.pk])
    assert client_for(provider).post(url, {"name": "x"}).status_code in (302, 403)
    cup.refresh_from_db()
    assert cup.name == "Small vacuum cup"
