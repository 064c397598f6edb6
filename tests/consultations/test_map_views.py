"""The treatment map on the assessment form: stored in cm, typed or drawn, bad input kept and
explained at the zone (never a 500), and the preview the diagram draws."""

import pytest
from django.urls import reverse

from consultations import maps
from consultations.models import Assessment
from tests.consultations.consultation_factories import PatientFactory
from tests.consultations.test_assessment_views import form_data
from treatments.catalog.models import BodyArea
from treatments.catalog.selectors import catalog_snapshot

pytestmark = pytest.mark.django_db


def post(client, patient, **map_fields):
    data = form_data(**{f"areas-0-{k}": v for k, v in map_fields.items()})
    return client.post(reverse("consultations:assessment-create", args=[patient.pk]), data)


def test_a_drawn_zone_and_placements_are_stored_in_cm(client_for, provider):
    patient = PatientFactory()
    response = post(
        client_for(provider),
        patient,
        zone_points="26, 30; 34, 30; 34, 35; 26, 35",
        placements="Large vacuum cup @ 26, 33\ncryo_large_cup @ 34,33",
    )
    assert response.status_code == 302
    row = Assessment.objects.get(patient=patient).areas.get()
    assert row.zone_points == [[26, 30], [34, 30], [34, 35], [26, 35]]
    assert row.placements == [
        {"applicator": "cryo_large_cup", "x": 26, "y": 33},
        {"applicator": "cryo_large_cup", "x": 34, "y": 33},
    ]
    assert row.zone_width_cm is None


def test_a_typed_size_becomes_a_rectangle_on_the_area(client_for, provider):
    patient = PatientFactory()
    response = post(client_for(provider), patient, zone_width_cm="10", zone_height_cm="4")
    assert response.status_code == 302
    row = Assessment.objects.get(patient=patient).areas.get()
    assert (row.zone_width_cm, row.zone_height_cm) == (10, 4)
    assert row.zone_points == [[25, 30], [35, 30], [35, 34], [25, 34]]  # upper back at 30, 32


def test_without_a_map_nothing_changes(client_for, provider):
    patient = PatientFactory()
    assert post(client_for(provider), patient).status_code == 302
    row = Assessment.objects.get(patient=patient).areas.get()
    assert (row.zone_points, row.placements, row.has_map) == ([], [], False)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"zone_points": "50, 10; 70, 10; 70, 20"}, "outside the diagram"),
        ({"zone_points": "10, 10; 20, 20; 20, 10; 10, 20"}, "crosses itself"),
        ({"zone_points": "10, 10; 20, 10; 30, 10"}, "no real size"),
        ({"zone_points": "10, 10; 20"}, "is not &#x27;x, y&#x27; in cm"),
        ({"zone_width_cm": "0", "zone_height_cm": "5"}, "must both be more than 0 cm"),
        ({"zone_width_cm": "5"}, "Give both the width and the height"),
        ({"zone_width_cm": "90", "zone_height_cm": "5"}, "outside the diagram"),
        ({"placements": "Teleporter @ 10, 10"}, "no applicator called"),
        ({"placements": "Large vacuum cup @ 99, 10"}, "Applicator 1 is outside the diagram"),
        (
            {"placements": "\n".join(f"Small vacuum cup @ {10 + 3 * i}, 40" for i in range(9))},
            "9 Cryolipolysis (fat freezing) cycles are placed, more than the 8 one visit allows",
        ),
    ],
)
def test_bad_input_is_explained_at_the_zone_and_kept(client_for, provider, fields, message):
    patient = PatientFactory()
    response = post(client_for(provider), patient, **fields)
    assert response.status_code == 200
    assert not Assessment.objects.exists()
    content = response.content.decode()
    assert message in content
    assert "data-map-field-error" in content
    for value in fields.values():  # nothing typed is lost
        assert value.split("\n")[0].split(";")[0].replace("'", "&#x27;") in content


def test_the_page_draws_the_map_again_with_the_errors(client_for, provider):
    patient = PatientFactory()
    response = post(
        client_for(provider),
        patient,
        zone_points="26, 30; 34, 30; 34, 35; 26, 35",
        placements="Teleporter @ 1, 1",
        pinch_mm="",
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "no applicator called" in content


def preview(client, **fields):
    data = {"area": str(BodyArea.objects.get(code="upper_back").pk), **fields}
    return client.post(reverse("consultations:assessment-map-preview"), data)


def test_preview_draws_the_grid_and_the_vials(client_for, provider):
    response = preview(client_for(provider), zone_points="26, 30; 34, 30; 34, 35; 26, 35")
    assert response.status_code == 200
    html = response.json()["html"]
    assert html.count("data-map-site") == 40
    assert "40 injection sites, 8 mL: 4 vials." in html
    assert "<svg" in html and "Upper back" in html


def test_preview_shows_coverage_of_placements(client_for, provider):
    response = preview(
        client_for(provider),
        zone_points="22, 25; 38, 25; 38, 41; 22, 41",
        placements="Large vacuum cup @ 26, 33\nLarge vacuum cup @ 30, 33",
    )
    html = response.json()["html"]
    assert html.count("<g data-map-placement>") == 2
    assert "under two applicators" in html
    assert "uncovered" in html


def test_preview_says_what_is_wrong_without_failing(client_for, provider):
    response = preview(client_for(provider), zone_points="10, 10; 20, 20; 20, 10; 10, 20")
    assert response.status_code == 200
    body = response.json()
    assert "crosses itself" in body["errors"]["zone_points"][0]
    assert "crosses itself" in body["html"]


def test_preview_needs_an_area(client_for, provider):
    response = client_for(provider).post(reverse("consultations:assessment-map-preview"), {})
    assert response.status_code == 400
    assert response.json()["errors"]["area"] == ["Choose an area first."]


def test_preview_needs_the_permission(client_for, front_desk, client):
    assert preview(client_for(front_desk)).status_code == 403
    assert preview(client).status_code == 302  # to the login page


def test_preview_is_post_only(client_for, provider):
    url = reverse("consultations:assessment-map-preview")
    assert client_for(provider).get(url).status_code == 405


def test_text_forms_round_trip():
    catalog = catalog_snapshot()
    points = maps.parse_points("1,2; 3.5, 4 ;5 6")
    assert points == [[1, 2], [3.5, 4], [5, 6]]
    assert maps.parse_points(maps.format_points(points)) == points
    placed = maps.parse_placements("large vacuum cup @ 1, 2\nLASER_FLAT @ 3,4", catalog.applicators)
    assert [p["applicator"] for p in placed] == ["cryo_large_cup", "laser_flat"]
    text = maps.format_placements(placed, catalog.applicators)
    assert text == "Large vacuum cup @ 1, 2\nLaser applicator @ 3, 4"
    assert maps.parse_placements(text, catalog.applicators) == placed


def test_the_assessment_page_draws_the_saved_map(client_for, provider):
    patient = PatientFactory()
    client = client_for(provider)
    response = post(
        client,
        patient,
        zone_points="26, 30; 34, 30; 34, 35; 26, 35",
        placements="Large vacuum cup @ 26, 33",
    )
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="assessment-maps"' in page
    assert page.count("data-map-site") == 40
    assert "1 placement (1 x Large vacuum cup (35 min)): 1 cycle" in page
