"""API tokens: the clinic's website calls the API as a staff user, without a session."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import ApiToken, digest

pytestmark = pytest.mark.django_db


def issue(user, name="Clinic website") -> tuple[ApiToken, str]:
    token = ApiToken(user=user, name=name)
    raw_key = token.set_new_key()
    token.save()
    return token, raw_key


def bearer(raw_key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


def test_a_token_acts_as_its_user(client, front_desk):
    token, raw_key = issue(front_desk)
    response = client.get("/api/v1/me", **bearer(raw_key))
    assert response.status_code == 200
    assert response.json()["username"] == "frankie"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_can_write_without_a_csrf_token(front_desk):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    _token, raw_key = issue(front_desk)
    response = client.post(
        "/api/v1/patients",
        json.dumps(
            {
                "first_name": "Dana",
                "last_name": "Reyes",
                "date_of_birth": "1985-05-05",
                "sex": "female",
                "email": "dana@example.com",
            }
        ),
        content_type="application/json",
        **bearer(raw_key),
    )
    assert response.status_code == 201, response.content


def test_only_a_digest_of_the_key_is_stored(front_desk):
    token, raw_key = issue(front_desk)
    assert raw_key.startswith("ct_")
    assert raw_key not in {token.key_digest, token.prefix}
    assert token.key_digest == digest(raw_key)


@pytest.mark.parametrize("key", ["ct_not-a-real-key", "something-else", ""])
def test_an_unknown_key_is_401(client, key):
    assert client.get("/api/v1/me", **bearer(key)).status_code == 401


def test_a_revoked_token_is_401(client, front_desk):
    token, raw_key = issue(front_desk)
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/v1/me", **bearer(raw_key)).status_code == 401


def test_a_deactivated_users_token_is_401(client, front_desk):
    _token, raw_key = issue(front_desk)
    front_desk.is_active = False
    front_desk.save()
    assert client.get("/api/v1/me", **bearer(raw_key)).status_code == 401


def test_a_token_has_only_its_users_permissions(client, outsider):
    _token, raw_key = issue(outsider)
    response = client.post(
        "/api/v1/patients",
        json.dumps(
            {
                "first_name": "A",
                "last_name": "B",
                "date_of_birth": "1990-01-01",
                "sex": "other",
                "email": "a@example.com",
            }
        ),
        content_type="application/json",
        **bearer(raw_key),
    )
    assert response.status_code == 403


def test_clinic_admin_issues_a_token_in_the_admin_and_sees_the_key_once(
    client_for, clinic_admin, front_desk
):
    client = client_for(clinic_admin)
    response = client.post(
        reverse("admin:clinic_apitoken_add"),
        {"user": front_desk.pk, "name": "Clinic website", "revoked_at_0": "", "revoked_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Clinic website")
    shown = [str(m) for m in response.context["messages"]]
    assert any(token.prefix in m and "will not be shown again" in m for m in shown)
    raw_key = next(m for m in shown if token.prefix in m).split(" is ")[1].split(" ")[0]
    assert digest(raw_key) == token.key_digest
    # The key is not on the token's page afterwards.
    page = client.get(reverse("admin:clinic_apitoken_change", args=[token.pk])).text
    assert raw_key not in page


def test_other_roles_cannot_manage_tokens(client_for, provider):
    response = client_for(provider).get(reverse("admin:clinic_apitoken_changelist"))
    assert response.status_code == 302


def test_the_schema_documents_bearer_auth(client):
    schemes = client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
