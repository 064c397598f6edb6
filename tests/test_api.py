"""The API's shared behaviour: authentication, schema, and the 400 error shape."""

import pytest
from ninja.errors import ValidationError

from clinic.apikit import errors_from_validation

pytestmark = pytest.mark.django_db


def test_anonymous_callers_get_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Log in to use the API."}


def test_logged_in_staff_see_who_they_are(client_for, provider):
    response = client_for(provider).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {"username": "priya", "name": "Priya Provider", "roles": ["Provider"]}


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Contour API"
    assert "/api/v1/me" in schema["paths"]


def test_api_docs_use_no_cdn(client_for, provider):
    response = client_for(provider).get("/api/v1/docs")
    assert response.status_code == 200
    assert "cdn." not in response.text


def test_validation_errors_are_keyed_by_field_path():
    exc = ValidationError(
        [
            {
                "loc": ("body", "payload", "patient", "age"),
                "msg": "Input should be a valid integer",
                "type": "int_parsing",
            },
            {"loc": ("body", "payload", "areas"), "msg": "Field required", "type": "missing"},
            {
                "loc": ("body", "payload", "areas", 0, "pinch_mm"),
                "msg": "Value error, too thin",
                "type": "value_error",
            },
        ]
    )
    assert errors_from_validation(exc) == {
        "patient.age": ["Input should be a valid integer"],
        "areas": ["This field is required."],
        "areas.0.pinch_mm": ["too thin"],
    }
