"""The staff shell: login, dashboard, password change, logout, the admin gate."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_shows_the_clinic_name(client, settings):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert settings.CLINIC_NAME in response.text
    assert 'for="id_username"' in response.text


def test_wrong_password_is_explained_next_to_the_form(client, provider):
    response = client.post(reverse("login"), {"username": "priya", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_login_then_dashboard(client, provider):
    response = client.post(reverse("login"), {"username": "priya", "password": "pw"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Good to see you, Priya" in response.text
    assert "Provider" in response.text


def test_dashboard_requires_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_dashboard_lists_only_what_the_role_may_do(client_for, clinic_admin, front_desk):
    admin_page = client_for(clinic_admin).get(reverse("dashboard")).text
    desk_page = client_for(front_desk).get(reverse("dashboard")).text
    assert "Catalog admin" in admin_page
    assert "Catalog admin" not in desk_page


def test_outsider_is_told_they_have_no_role(client_for, outsider):
    response = client_for(outsider).get(reverse("dashboard"))
    assert "Your account has no role yet" in response.text


def test_password_change(client_for, provider):
    client = client_for(provider)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw",
            "new_password1": "a-much-Longer-pass-2026",
            "new_password2": "a-much-Longer-pass-2026",
        },
        follow=True,
    )
    assert "Your password has been changed" in response.text
    provider.refresh_from_db()
    assert provider.check_password("a-much-Longer-pass-2026")


def test_password_change_mismatch_is_shown_next_to_the_field(client_for, provider):
    response = client_for(provider).post(
        reverse("password_change"),
        {
            "old_password": "pw",
            "new_password1": "Abcdefgh-2026x",
            "new_password2": "different-2026Y",
        },
    )
    assert response.status_code == 200
    assert "The two password fields didn" in response.text


def test_logout_is_a_post(client_for, provider):
    client = client_for(provider)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_clinic_admin_reaches_the_catalog_admin(client_for, clinic_admin):
    response = client_for(clinic_admin).get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Conditions" in response.text


def test_a_clinic_admin_without_staff_flag_still_reaches_the_admin(client_for, clinic_admin):
    clinic_admin.is_staff = False
    clinic_admin.save()
    assert client_for(clinic_admin).get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("persona", ["provider", "front_desk", "outsider"])
def test_other_roles_cannot_open_the_admin(request, client_for, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even with the flag, the role decides
    user.save()
    response = client_for(user).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_unknown_page_is_a_friendly_404(client_for, provider):
    response = client_for(provider).get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.text


def test_static_assets_come_from_this_server(client):
    html = client.get(reverse("login")).text
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


def test_healthz(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_favicon_points_at_the_packaged_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("clinic/favicon.svg")
