"""Sign-in throttling (django-axes) and password hashing (Argon2 first)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from clinic.models import ApiToken
from tests.consultations.factories import IntakeFactory, seed_questionnaire

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def sign_in(client: Client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_five_wrong_passwords_lock_the_username_from_that_address(provider):
    client = Client()
    for attempt in range(4):
        response = sign_in(client, "priya", f"wrong-{attempt}")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    locked = sign_in(client, "priya", "wrong-4")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'data-testid="lockout"' in html
    assert "public-page" in html  # the patient-facing look, not a bare text
    assert "for 15 minutes" in html and "priya" in html
    # Even the right password is refused while the lock lasts.
    assert sign_in(client, "priya", "pw").status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address, or another username from this one, is not locked.
    assert sign_in(Client(), "priya", "pw", ip="198.51.100.4").status_code == 302


def test_every_attempt_is_logged(provider):
    sign_in(Client(), "priya", "wrong")
    sign_in(Client(), "priya", "also-wrong")
    sign_in(Client(), "priya", "pw")
    failures = AccessFailureLog.objects.filter(username="priya")
    assert failures.count() == 2
    assert {f.ip_address for f in failures} == {"203.0.113.7"}
    assert AccessLog.objects.filter(username="priya", ip_address="203.0.113.7").count() == 1
    # A success clears the count of failures.
    assert not AccessAttempt.objects.filter(username="priya").exists()


def test_attempts_while_locked_are_logged_too(provider):
    client = Client()
    for attempt in range(5):
        sign_in(client, "priya", f"wrong-{attempt}")
    assert sign_in(client, "priya", "pw").status_code == 429
    assert sign_in(client, "priya", "guess").status_code == 429
    rows = AccessFailureLog.objects.filter(username="priya").order_by("attempt_time")
    assert rows.count() == 7
    assert [row.locked_out for row in rows] == [False] * 4 + [True] * 3


def test_the_limit_and_the_cool_off_come_from_the_settings(provider, settings):
    from datetime import timedelta

    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=40)
    client = Client()
    assert sign_in(client, "priya", "wrong").status_code == 200
    locked = sign_in(client, "priya", "wrong")
    assert locked.status_code == 429
    assert "for 40 minutes" in locked.content.decode()


def test_a_clinic_admin_unlocks_in_the_admin(provider, clinic_admin, client_for):
    client = Client()
    for attempt in range(5):
        sign_in(client, "priya", f"wrong-{attempt}")
    assert sign_in(client, "priya", "pw").status_code == 429
    attempt = AccessAttempt.objects.get(username="priya")
    admin = client_for(clinic_admin)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "priya" in listing.content.decode()
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
        follow=True,
    )
    assert "1 sign-in lock(s) cleared." in response.content.decode()
    assert sign_in(client, "priya", "pw").status_code == 302


def test_front_desk_cannot_see_or_unlock(front_desk, client_for):
    listing = client_for(front_desk).get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 302  # to the admin's login: not for them


def test_api_tokens_and_patient_links_work_from_a_locked_address(provider):
    client = Client()
    for attempt in range(5):
        sign_in(client, "priya", f"wrong-{attempt}")
    assert sign_in(client, "priya", "pw").status_code == 429
    token = ApiToken(user=provider, name="Website")
    raw_key = token.set_new_key()
    token.save()
    api = Client(REMOTE_ADDR="203.0.113.7").get(
        "/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw_key}"
    )
    assert api.status_code == 200 and api.json()["username"] == "priya"
    seed_questionnaire()
    intake = IntakeFactory()
    link = Client().get(
        reverse("consultations:intake-start", args=[intake.token]), REMOTE_ADDR="203.0.113.7"
    )
    assert link.status_code == 200


def test_behind_a_proxy_the_forwarded_address_is_locked(provider, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for attempt in range(5):
        client.post(
            reverse("login"),
            {"username": "priya", "password": f"wrong-{attempt}"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.9",
        )
    assert AccessAttempt.objects.get(username="priya").ip_address == "203.0.113.9"
    other = client.post(
        reverse("login"),
        {"username": "priya", "password": "pw"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other.status_code == 302


# --- Password hashing --------------------------------------------------------------------


def production_hashers() -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="clinic.settings")
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.PASSWORD_HASHERS))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_hashes_passwords_with_argon2_first():
    hashers = production_hashers()
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers  # old hashes still work


def test_an_old_pbkdf2_hash_upgrades_to_argon2_at_login(provider, settings):
    settings.PASSWORD_HASHERS = production_hashers()
    provider.password = make_password("a-long-Pass-2026", hasher="pbkdf2_sha256")
    provider.save(update_fields=["password"])
    assert provider.password.startswith("pbkdf2_sha256$")
    assert sign_in(Client(), "priya", "a-long-Pass-2026").status_code == 302
    provider.refresh_from_db()
    assert provider.password.startswith("argon2$")
    assert provider.check_password("a-long-Pass-2026")
