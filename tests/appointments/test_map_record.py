"""The session record of a mapped plan: it starts from the planned map, the provider confirms
or corrects what was done (sites injected, applicators placed, a lot number per vial), and
the record keeps both."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import maps
from treatments.catalog.selectors import catalog_snapshot

from .factories import accepted_plan, appointment_at, setup_clinic

pytestmark = pytest.mark.django_db

ZONE = [[26, 30], [34, 30], [34, 35], [26, 35]]


@pytest.fixture
def clinic(provider):
    return setup_clinic(provider)


def mapped_appointment(provider, treatment, placements=(), units=4):
    unit = {"deoxycholic_injection": "vial", "cryolipolysis": "cycle"}[treatment]
    plan = accepted_plan(
        treatment=treatment,
        sessions=2,
        start=timezone.localdate() - datetime.timedelta(days=3),
        areas=[{"area": "upper_back", "units": units, "unit": unit}],
    )
    plan.option = {
        "maps": [
            maps.area_map(
                area_code="upper_back",
                area_name="Upper back",
                points=ZONE,
                placements=list(placements),
                catalog=catalog_snapshot(),
                only_treatment=treatment,
            )
        ]
    }
    plan.save()
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    return appointment_at(
        plan.sessions.get(number=1), start - datetime.timedelta(days=1), provider=provider
    )


def record(client, appointment, **fields):
    data = {"status": "done", "intake_reconfirmed": "on", **fields}
    return client.post(reverse("appointments:appointment-record", args=[appointment.pk]), data)


def test_the_record_starts_from_the_planned_grid(client_for, provider, clinic):
    appointment = mapped_appointment(provider, "deoxycholic_injection")
    page = client_for(provider).get(
        reverse("appointments:appointment-record", args=[appointment.pk])
    )
    content = page.content.decode()
    assert 'data-testid="planned-map"' in content
    assert content.count("data-map-site") == 40
    assert 'name="upper_back__sites_injected"' in content
    assert 'value="40"' in content  # planned, for the provider to confirm


def test_a_lot_number_per_vial_and_the_sites_actually_injected(client_for, provider, clinic):
    appointment = mapped_appointment(provider, "deoxycholic_injection")
    client = client_for(provider)
    refused = record(
        client,
        appointment,
        upper_back__vials="4",
        upper_back__lot_numbers="KYB-1, KYB-2",
        upper_back__sites_injected="38",
    )
    assert refused.status_code == 400
    content = refused.content.decode()
    assert "Give one lot number per vial: 4 vials, 2 lot numbers" in content
    assert 'value="38"' in content  # nothing entered is lost
    saved = record(
        client,
        appointment,
        upper_back__vials="4",
        upper_back__lot_numbers="KYB-1, KYB-1, KYB-2, KYB-2",
        upper_back__sites_injected="38",
    )
    assert saved.status_code == 302
    row = appointment.treated_areas.get()
    assert row.sites_injected == 38
    assert len(row.planned_map["sites"]) == 40  # the plan, as planned
    assert row.lot_numbers == "KYB-1, KYB-1, KYB-2, KYB-2"


def test_applicators_placed_are_confirmed_or_corrected(client_for, provider, clinic):
    planned = [
        {"applicator": "cryo_large_cup", "x": 26, "y": 33},
        {"applicator": "cryo_large_cup", "x": 34, "y": 33},
    ]
    appointment = mapped_appointment(provider, "cryolipolysis", planned, units=2)
    client = client_for(provider)
    url = reverse("appointments:appointment-record", args=[appointment.pk])
    content = client.get(url).content.decode()
    assert "Large vacuum cup @ 26, 33\nLarge vacuum cup @ 34, 33" in content
    bad = record(client, appointment, upper_back__placements_done="Teleporter @ 1, 1")
    assert bad.status_code == 400
    assert "no applicator called" in bad.content.decode()
    done = record(
        client,
        appointment,
        upper_back__cycles="3",
        upper_back__placements_done=(
            "Large vacuum cup @ 26, 33\nLarge vacuum cup @ 34, 33\nSmall vacuum cup @ 30, 40"
        ),
    )
    assert done.status_code == 302
    row = appointment.treated_areas.get()
    assert [p["applicator"] for p in row.placements_done] == [
        "cryo_large_cup",
        "cryo_large_cup",
        "cryo_small_cup",
    ]
    assert len(row.planned_map["placements"]) == 2
    again = client.get(url).content.decode()  # the correction shows when the page reopens
    assert "Small vacuum cup @ 30, 40" in again
