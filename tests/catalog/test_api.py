"""POST /api/v1/plans/preview."""

import copy
import json
from datetime import date

import pytest
from django.utils import timezone

from treatments.catalog.models import ClinicClosure, Treatment
from treatments.engine.planning import ENGINE_VERSION

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/preview"

EXAMPLE = {
    "patient": {
        "age": 41,
        "sex": "female",
        "height_cm": 165,
        "weight_kg": 65,
        "weight_stable": True,
        "conditions": ["anticoagulants"],
    },
    "areas": [
        {
            "area": "upper_back",
            "pinch_mm": 30,
            "size": "medium",
            "consistency": "soft",
            "skin_laxity": "none",
        }
    ],
    "preferences": {"max_downtime_days": 7, "budget": "3000.00", "start_date": "2027-01-04"},
}


def body(**changes):
    data = copy.deepcopy(EXAMPLE)
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is ...:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return data


@pytest.fixture
def api(client_for, provider):
    client = client_for(provider)

    def post(data, raw=None):
        return client.post(
            URL, data=raw if raw is not None else json.dumps(data), content_type="application/json"
        )

    return post


def test_the_issue_example(api):
    response = api(EXAMPLE)
    assert response.status_code == 200
    data = response.json()
    assert data["engine_version"] == ENGINE_VERSION
    assert data["currency"] == "USD"
    assert [o["treatment"] for o in data["options"]] == [
        "cryolipolysis",
        "laser_lipolysis",
        "deoxycholic_injection",
    ]
    assert [o["rank"] for o in data["options"]] == [1, 2, 3]
    assert data["excluded"] == []
    cryo = data["options"][0]
    assert cryo["name"] == "Cryolipolysis (fat freezing)"
    assert cryo["reasons"] == ["Soft fat: the applicator draws it up well (upper back; +1 point)."]
    assert cryo["warnings"] == []
    assert cryo["sessions"] == [
        {
            "number": 1,
            "date": "2027-01-04",
            "duration_minutes": 85,
            "areas": [{"area": "upper_back", "units": 2, "unit": "cycle"}],
        },
        {
            "number": 2,
            "date": "2027-03-01",
            "duration_minutes": 85,
            "areas": [{"area": "upper_back", "units": 2, "unit": "cycle"}],
        },
    ]
    assert cryo["cost"] == {
        "line_items": [
            {
                "description": "Cryolipolysis (fat freezing), upper back: 2 cycles per session "
                "x 2 sessions",
                "unit": "cycle",
                "quantity": 4,
                "unit_price": "750.00",
                "amount": "3000.00",
            }
        ],
        "subtotal": "3000.00",
        "discount": "0.00",
        "discounts": [],
        "total": "3000.00",
        "deposit": "600.00",
        "payment_plans": [
            {"months": 3, "monthly": "800.00", "first_payment": "800.00"},
            {"months": 6, "monthly": "400.00", "first_payment": "400.00"},
            {"months": 12, "monthly": "200.00", "first_payment": "200.00"},
        ],
    }
    assert cryo["downtime_days"] == 0
    assert cryo["results_from"] == "2027-02-01"
    assert cryo["final_results_by"] == "2027-05-24"
    injection = data["options"][2]
    assert any("Blood thinners" in w for w in injection["warnings"])
    assert any(w.startswith("Off-label use") for w in injection["warnings"])
    laser = data["options"][1]
    assert laser["cost"]["discount"] == "210.00"  # 3 sessions: course discount


def test_excluded_treatments_carry_their_reasons(api):
    response = api(body(patient__conditions=["pregnancy"]))
    data = response.json()
    assert data["options"] == []
    assert {e["treatment"] for e in data["excluded"]} == {
        "deoxycholic_injection",
        "cryolipolysis",
        "laser_lipolysis",
    }
    assert all(e["reasons"] and e["name"] for e in data["excluded"])


def test_laser_excluded_for_a_thin_layer(api):
    data = api(body(areas__0__pinch_mm=15)).json()
    assert data["excluded"] == [
        {
            "treatment": "laser_lipolysis",
            "name": "Laser lipolysis (1060 nm)",
            "reasons": [
                "The fat layer on the upper back (15 mm pinch) is thinner than the 20 mm "
                "Laser lipolysis (1060 nm) needs."
            ],
        }
    ]


def cryo_of(data):
    return next(o for o in data["options"] if o["treatment"] == "cryolipolysis")


def test_a_price_change_in_the_catalog_changes_the_next_preview(api):
    before = api(EXAMPLE).json()
    assert cryo_of(before)["cost"]["total"] == "3000.00"
    Treatment.objects.filter(code="cryolipolysis").update(price_per_unit="800.00")
    after = api(EXAMPLE).json()
    cost = cryo_of(after)["cost"]
    assert (cost["line_items"][0]["unit_price"], cost["total"]) == ("800.00", "3200.00")
    # Now over the 3000.00 budget: it loses its lead and ties break by lower cost.
    assert [o["treatment"] for o in after["options"]] == [
        "laser_lipolysis",
        "deoxycholic_injection",
        "cryolipolysis",
    ]
    assert any("over your budget" in w for w in cryo_of(after)["warnings"])


def test_clinic_closures_move_sessions(api):
    ClinicClosure.objects.create(date=date(2027, 1, 4), reason="Staff training")
    data = api(EXAMPLE).json()
    assert data["options"][0]["sessions"][0]["date"] == "2027-01-05"


def test_start_date_defaults_to_today_and_preferences_are_optional(api):
    response = api(body(preferences=...))
    assert response.status_code == 200
    first = date.fromisoformat(response.json()["options"][0]["sessions"][0]["date"])
    assert timezone.localdate() <= first


def test_a_start_date_in_the_past_starts_today(api):
    data = api(body(preferences__start_date="2020-01-01")).json()
    first = date.fromisoformat(data["options"][0]["sessions"][0]["date"])
    assert first >= timezone.localdate()


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (body(patient=...), {"patient": ["This field is required."]}),
        (body(areas=...), {"areas": ["This field is required."]}),
        (body(patient__age=...), {"patient.age": ["This field is required."]}),
        (body(areas__0__pinch_mm=...), {"areas.0.pinch_mm": ["This field is required."]}),
        (body(patient__age="forty"), "patient.age"),
        (body(patient__age=-1), "patient.age"),
        (body(patient__age=200), "patient.age"),
        (body(patient__height_cm=20), "patient.height_cm"),
        (body(patient__weight_kg="heavy"), "patient.weight_kg"),
        (body(patient__weight_stable="sometimes"), "patient.weight_stable"),
        (body(patient__sex="robot"), "patient.sex"),
        (body(patient__conditions="pregnancy"), "patient.conditions"),
        (
            body(patient__conditions=["pregnancy", "werewolf"]),
            {"patient.conditions": ["Unknown condition code: werewolf."]},
        ),
        (body(areas=[]), "areas"),
        (body(areas__0__area="elbow"), {"areas.0.area": ["Unknown body area code: elbow."]}),
        (
            body(areas=[EXAMPLE["areas"][0], EXAMPLE["areas"][0]]),
            {"areas.1.area": ["The area upper_back is listed twice."]},
        ),
        (body(areas__0__pinch_mm=0), "areas.0.pinch_mm"),
        (body(areas__0__pinch_mm=500), "areas.0.pinch_mm"),
        (body(areas__0__size="huge"), "areas.0.size"),
        (body(areas__0__consistency="crunchy"), "areas.0.consistency"),
        (body(areas__0__skin_laxity="a lot"), "areas.0.skin_laxity"),
        (body(preferences__start_date="2027-02-30"), "preferences.start_date"),
        (body(preferences__start_date="next week"), "preferences.start_date"),
        (
            body(preferences__start_date="9999-12-31"),
            {"preferences.start_date": ["Choose a start date within the next two years."]},
        ),
        (body(patient__conditions=[1]), "patient.conditions.0"),
        (body(areas=["upper_back"]), "areas.0"),
        (body(areas__0__pinch_mm="NaN"), "areas.0.pinch_mm"),
        (body(preferences__budget="1e999"), "preferences.budget"),
        (body(preferences__budget="lots"), "preferences.budget"),
        (body(preferences__budget="-5.00"), "preferences.budget"),
        (body(preferences__max_downtime_days=-1), "preferences.max_downtime_days"),
        (body(preferences__colour="blue"), "preferences.colour"),
        ("not an object", "body"),
    ],
)
def test_bad_input_is_a_400_naming_each_problem(api, data, errors):
    response = api(data)
    assert response.status_code == 400, response.content
    got = response.json()["errors"]
    if isinstance(errors, dict):
        assert got == errors
    else:
        assert errors in got, got
        assert all(isinstance(m, str) for m in got[errors])


@pytest.mark.parametrize("raw", ["{not json", "", "[1, 2", "null"])
def test_malformed_json_is_a_400(api, raw):
    response = api(None, raw=raw)
    assert response.status_code == 400
    assert "errors" in response.json()


def test_several_problems_are_all_named(api):
    response = api(body(patient__age=-1, areas__0__size="huge", preferences__budget="x"))
    assert set(response.json()["errors"]) == {"patient.age", "areas.0.size", "preferences.budget"}


def test_anonymous_gets_401(client):
    response = client.post(URL, data=json.dumps(EXAMPLE), content_type="application/json")
    assert response.status_code == 401


def test_user_without_the_permission_gets_403(client_for, outsider):
    response = client_for(outsider).post(
        URL, data=json.dumps(EXAMPLE), content_type="application/json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["clinic_admin", "provider", "front_desk"])
def test_every_role_may_preview(request, client_for, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(URL, data=json.dumps(EXAMPLE), content_type="application/json")
    assert response.status_code == 200


def test_csrf_is_required_for_session_callers(provider):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(provider)
    response = client.post(URL, data=json.dumps(EXAMPLE), content_type="application/json")
    assert response.status_code in (401, 403)


def test_openapi_schema_documents_the_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) >= {"200", "400", "401", "403"}
    components = schema["components"]["schemas"]
    assert {"patient", "areas", "preferences"} <= set(components["PreviewRequest"]["properties"])
    assert {"engine_version", "currency", "options", "excluded"} <= set(
        components["PreviewResult"]["properties"]
    )
