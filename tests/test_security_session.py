"""Idle sessions end on the server; API tokens are not sessions and are not touched."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from clinic.models import ApiToken
from clinic.security import LAST_ACTIVITY

pytestmark = pytest.mark.django_db


def idle_for(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_ACTIVITY] = int(time.time() - seconds)
    session.save()


def test_the_idle_clock_starts_at_login(client_for, provider):
    client = client_for(provider)
    assert abs(client.session[LAST_ACTIVITY] - time.time()) < 5


def test_an_idle_session_ends_and_says_why(client_for, provider):
    client = client_for(provider)
    idle_for(client, 29 * 60)
    assert client.get("/patients/").status_code == 200
    idle_for(client, 30 * 60 + 1)
    response = client.get("/patients/?page=2")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Fpatients%2F%3Fpage%3D2"
    assert "_auth_user_id" not in client.session
    login = client.get(response["Location"])
    assert "signed out after 30 minutes without activity" in login.content.decode()


def test_the_timeout_comes_from_the_settings(client_for, provider, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    client = client_for(provider)
    idle_for(client, 5 * 60 + 1)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_activity_keeps_the_session_without_a_write_on_every_page(client_for, provider):
    client = client_for(provider)
    idle_for(client, 20)
    client.get("/patients/")
    assert time.time() - client.session[LAST_ACTIVITY] >= 20  # under a minute: not rewritten
    idle_for(client, 25 * 60)
    client.get("/patients/")
    assert time.time() - client.session[LAST_ACTIVITY] < 5  # rewritten


def test_an_expired_session_gets_json_from_the_api(client_for, provider):
    client = client_for(provider)
    idle_for(client, 31 * 60)
    response = client.get("/api/v1/me")
    assert response.status_code == 401


def test_api_tokens_have_no_idle_clock(provider):
    token = ApiToken(user=provider, name="Website")
    raw_key = token.set_new_key()
    token.save()
    client = Client()
    for _ in range(2):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        assert response.status_code == 200
    assert LAST_ACTIVITY not in client.session


def test_the_warning_asks_without_counting_as_activity_and_stays_on_post(client_for, provider):
    client = client_for(provider)
    idle_for(client, 29 * 60)
    status = client.get(reverse("session-activity"), HTTP_ACCEPT="application/json")
    assert status.status_code == 200
    assert 50 <= status.json()["remaining"] <= 60
    assert time.time() - client.session[LAST_ACTIVITY] >= 29 * 60  # not refreshed
    stay = client.post(reverse("session-activity"), HTTP_ACCEPT="application/json")
    assert stay.json()["remaining"] == 30 * 60
    assert time.time() - client.session[LAST_ACTIVITY] < 5


def test_the_activity_endpoint_needs_a_session_and_csrf(provider):
    assert Client().get(reverse("session-activity")).status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(provider)
    assert strict.post(reverse("session-activity")).status_code == 403


def test_staff_pages_carry_the_warning_and_public_pages_do_not(client_for, provider, client):
    page = client_for(provider).get("/").content.decode()
    assert 'data-testid="idle-warning"' in page and "clinic/idle.js" in page
    assert 'data-warning="120"' in page
    assert "idle-warning" not in client.get(reverse("login")).content.decode()


def test_the_warning_learns_when_the_session_has_ended(client_for, provider):
    client = client_for(provider)
    idle_for(client, 31 * 60)
    status = client.get(reverse("session-activity"), HTTP_ACCEPT="application/json")
    assert status.status_code == 200 and status.json() == {"remaining": 0}
    assert "_auth_user_id" not in client.session
    login = client.get(reverse("login"))
    assert "signed out after 30 minutes without activity" in login.content.decode()
