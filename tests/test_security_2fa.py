"""Two-factor sign-in for staff (django-otp).

The suite as a whole runs with STAFF_2FA_REQUIRED_ROLES empty (see clinic/settings_test.py);
every test here turns it on as production has it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import ApiToken
from clinic.roles import CLINIC_ADMIN, PROVIDER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
REQUIRED = [CLINIC_ADMIN, PROVIDER]


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.STAFF_2FA_REQUIRED_ROLES = REQUIRED


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def backup_codes(user, *codes: str) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def signed_in(user) -> Client:
    """Signed in with the password only (what the login form does), not yet verified."""
    client = Client()
    client.force_login(user)
    return client


def wait_out_the_throttle(device) -> None:
    """django-otp makes a user wait (1 s, doubling) after each wrong code; tests don't wait."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def test_without_a_device_the_password_leads_to_enrolment(provider):
    client = Client()
    login = client.post(
        reverse("login"), {"username": "priya", "password": "pw", "next": "/patients/"}
    )
    assert login["Location"] == "/patients/"
    page = client.get("/patients/")
    assert page.status_code == 302
    assert page["Location"] == reverse("two-factor-setup") + "?next=%2Fpatients%2F"


def test_enrolment_shows_a_qr_code_then_a_code_confirms_it(provider):
    client = signed_in(provider)
    page = client.get(reverse("two-factor-setup") + "?next=/patients/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg viewBox="' in html and 'class="qr-code"' in html  # drawn on the server
    assert "<img" not in html.split('data-testid="totp-qr"')[1].split("</div>")[0]
    device = TOTPDevice.objects.get(user=provider, confirmed=False)
    # The same device (and QR code) on a reload, so a scan before the reload still counts.
    client.get(reverse("two-factor-setup"))
    assert TOTPDevice.objects.filter(user=provider).count() == 1
    wrong = client.post(reverse("two-factor-setup"), {"code": "000000", "next": "/patients/"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/patients/").status_code == 302
    wait_out_the_throttle(device)
    done = client.post(
        reverse("two-factor-setup"), {"code": code_for(device), "next": "/patients/"}
    )
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert code in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=provider).count() == 10
    # Verified now: the staff pages open.
    assert client.get("/patients/").status_code == 200


def test_with_a_device_the_password_leads_to_the_code(provider):
    device = enrolled(provider)
    client = signed_in(provider)
    page = client.get("/patients/")
    assert page["Location"] == reverse("two-factor-verify") + "?next=%2Fpatients%2F"
    form = client.get(page["Location"])
    assert form.status_code == 200 and "Enter your code" in form.content.decode()
    wrong = client.post(reverse("two-factor-verify"), {"code": "123456", "next": "/patients/"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/patients/").status_code == 302
    wait_out_the_throttle(device)
    right = client.post(
        reverse("two-factor-verify"), {"code": code_for(device), "next": "/patients/"}
    )
    assert right.status_code == 302 and right["Location"] == "/patients/"
    assert client.get("/patients/").status_code == 200


def test_the_next_url_must_stay_on_this_site(provider):
    device = enrolled(provider)
    client = signed_in(provider)
    response = client.post(
        reverse("two-factor-verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard")


def test_a_backup_code_works_once(provider):
    enrolled(provider)
    backup_codes(provider, "abcd2345", "efgh6789")
    client = signed_in(provider)
    used = client.post(reverse("two-factor-verify"), {"code": "ABCD 2345"}, follow=True)
    assert "You signed in with a backup code; 1 left." in used.content.decode()
    assert client.get("/patients/").status_code == 200
    again = signed_in(provider)
    refused = again.post(reverse("two-factor-verify"), {"code": "abcd2345"})
    assert "That code is not right" in refused.content.decode()
    assert again.get("/patients/").status_code == 302


def test_a_user_cannot_replace_their_own_device(provider):
    device = enrolled(provider)
    client = signed_in(provider)
    response = client.get(reverse("two-factor-setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-verify"))
    client.post(reverse("two-factor-verify"), {"code": code_for(device)})
    # Even verified, setting up a second authenticator is not offered.
    assert client.get(reverse("two-factor-setup")).status_code == 302
    assert list(TOTPDevice.objects.filter(user=provider)) == [device]


def test_roles_outside_the_setting_need_no_second_factor(front_desk, settings):
    assert signed_in(front_desk).get("/patients/").status_code == 200
    assert signed_in(front_desk).get(reverse("two-factor-setup")).status_code == 302
    settings.STAFF_2FA_REQUIRED_ROLES = ["Front desk"]
    assert signed_in(front_desk).get("/patients/").status_code == 302


def test_superusers_always_need_it_when_it_is_on(roles):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    assert signed_in(boss).get("/admin/").status_code == 302
    assert signed_in(boss).get("/admin/")["Location"].startswith(reverse("two-factor-setup"))


def test_the_admin_is_behind_the_second_factor_too(clinic_admin):
    response = signed_in(clinic_admin).get("/admin/")
    assert response["Location"] == reverse("two-factor-setup") + "?next=%2Fadmin%2F"


def test_the_api_refuses_an_unverified_session_but_tokens_work(provider):
    client = signed_in(provider)
    refused = client.get("/api/v1/me")
    assert refused.status_code == 403
    token = ApiToken(user=provider, name="Website")
    raw_key = token.set_new_key()
    token.save()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw_key}").status_code == 200
    # A bearer token beside an unverified session acts as the token, never as the session.
    mixed = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ct_not-a-real-key")
    assert mixed.status_code == 401


def test_signing_out_stays_open(provider):
    client = signed_in(provider)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(route: str) -> str:
    import re

    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<(str:|slug:)?[^>]+>", "x", path)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    return "/" + path


def test_every_url_waits_for_the_second_factor(provider):
    """Enumerates the URL patterns itself, so a new page cannot slip past the check."""
    client = signed_in(provider)
    open_paths = ("/accounts/two-factor/", "/accounts/logout/", "/accounts/session/")
    checked = 0
    for route in _patterns(get_resolver()):
        path = _concrete(route)
        if "(?P<" in path or path.startswith(open_paths) or path == "/favicon.ico":
            continue
        response = client.get(path)
        checked += 1
        if path.startswith("/api/"):
            assert response.status_code == 403, path
        else:
            assert response.status_code == 302, path
            assert response["Location"].startswith(reverse("two-factor-setup")), path
    assert checked > 40


def test_a_clinic_admin_resets_a_providers_second_factor(provider, clinic_admin):
    enrolled(provider)
    backup_codes(provider, "abcd2345")
    admin_device = enrolled(clinic_admin)
    admin = signed_in(clinic_admin)
    admin.post(reverse("two-factor-verify"), {"code": code_for(admin_device)})
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [provider.pk]},
        follow=True,
    )
    assert "Two-factor sign-in reset for priya." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=provider).exists()
    assert not StaticDevice.objects.filter(user=provider).exists()
    # The provider enrols again at the next sign-in.
    assert signed_in(provider).get("/")["Location"].startswith(reverse("two-factor-setup"))


def test_nobody_resets_their_own_second_factor(clinic_admin):
    device = enrolled(clinic_admin)
    admin = signed_in(clinic_admin)
    admin.post(reverse("two-factor-verify"), {"code": code_for(device)})
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [clinic_admin.pk]},
        follow=True,
    )
    assert "You cannot reset your own two-factor sign-in" in response.content.decode()
    assert TOTPDevice.objects.filter(user=clinic_admin).exists()


def test_device_secrets_are_not_browsable_in_the_admin(clinic_admin):
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


# --- Settings ------------------------------------------------------------------------------


def required_roles(**env: str) -> list[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "STAFF_2FA_REQUIRED_ROLES"}
    }
    clean.update(SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="clinic.settings", **env)
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STAFF_2FA_REQUIRED_ROLES))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_requires_it_for_clinic_admins_and_providers():
    assert required_roles() == ["Clinic admin", "Provider"]
    assert required_roles(STAFF_2FA_REQUIRED_ROLES="Clinic admin, Front desk") == [
        "Clinic admin",
        "Front desk",
    ]


def test_debugs_demo_logins_need_no_second_factor():
    assert required_roles(DEBUG="1") == []


def test_codes_enrolments_and_resets_are_logged(provider, caplog):
    device = enrolled(provider)
    client = signed_in(provider)
    with caplog.at_level("INFO", logger="contour.security"):
        client.post(reverse("two-factor-verify"), {"code": "999999"})
        wait_out_the_throttle(device)
        client.post(reverse("two-factor-verify"), {"code": code_for(device)})
    messages = [r.getMessage() for r in caplog.records if r.name == "contour.security"]
    assert messages == [
        "2FA: wrong code for priya",
        f"2FA: priya verified with {device.persistent_id}",
    ]


def test_without_a_next_page_enrolment_continues_to_the_dashboard(provider):
    client = signed_in(provider)
    assert client.get(reverse("two-factor-verify"))["Location"] == (
        reverse("two-factor-setup") + "?next=%2F"
    )
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=provider)
    done = client.post(reverse("two-factor-setup"), {"code": code_for(device)})
    assert f'href="{reverse("dashboard")}"' in done.content.decode()
