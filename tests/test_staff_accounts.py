"""Staff accounts in the admin: a Clinic admin adds and edits staff and their roles, but never
makes or edits a superuser and never grants a permission outside the role groups."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from clinic.models import ApiToken
from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER

pytestmark = pytest.mark.django_db

User = get_user_model()
USERS = reverse("admin:auth_user_changelist")
ADD = reverse("admin:auth_user_add")


def change_url(user) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


@pytest.fixture
def admin_client_(client_for, clinic_admin):
    return client_for(clinic_admin)


@pytest.fixture
def boss(roles):
    return User.objects.create_superuser("boss", "boss@example.com", "pw")


def role(name: str) -> Group:
    return Group.objects.get(name=name)


def test_a_clinic_admin_sees_the_staff_and_their_roles(admin_client_, front_desk, boss):
    response = admin_client_.get(USERS)
    assert response.status_code == 200
    text = response.content.decode()
    assert "frankie" in text and FRONT_DESK in text and "boss" in text


def test_a_clinic_admin_adds_a_front_desk_user_in_one_step(admin_client_):
    response = admin_client_.get(ADD)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert {"is_superuser", "user_permissions"}.isdisjoint(form.fields)
    assert {g.name for g in form.fields["groups"].queryset} == {CLINIC_ADMIN, PROVIDER, FRONT_DESK}

    response = admin_client_.post(
        ADD,
        {
            "username": "jordan",
            "usable_password": "true",
            "password1": "a-long-Desk-passphrase-7",
            "password2": "a-long-Desk-passphrase-7",
            "first_name": "Jordan",
            "last_name": "Diaz",
            "email": "jordan@example.com",
            "groups": [role(FRONT_DESK).pk],
            "is_superuser": "on",  # not on the form: ignored
            "user_permissions": [Permission.objects.get(codename="delete_user").pk],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    jordan = User.objects.get(username="jordan")
    assert (jordan.first_name, jordan.email) == ("Jordan", "jordan@example.com")
    assert list(jordan.groups.values_list("name", flat=True)) == [FRONT_DESK]
    assert not jordan.is_superuser and not jordan.user_permissions.exists()
    assert jordan.check_password("a-long-Desk-passphrase-7")


def test_is_superuser_and_single_permissions_posted_to_a_change_are_ignored(
    admin_client_, front_desk
):
    response = admin_client_.get(change_url(front_desk))
    assert response.status_code == 200
    assert "is_superuser" not in response.context["adminform"].form.fields
    response = admin_client_.post(
        change_url(front_desk),
        {
            "username": "frankie",
            "first_name": "Frankie",
            "last_name": "Desk",
            "email": "frankie@example.com",
            "is_active": "on",
            "groups": [role(PROVIDER).pk],
            "is_superuser": "on",
            "user_permissions": [Permission.objects.get(codename="delete_user").pk],
        },
    )
    assert response.status_code == 302
    front_desk.refresh_from_db()
    assert not front_desk.is_superuser and not front_desk.user_permissions.exists()
    assert list(front_desk.groups.values_list("name", flat=True)) == [PROVIDER]


def test_a_group_outside_the_roles_cannot_be_granted_and_is_kept(admin_client_, front_desk):
    auditors = Group.objects.create(name="Auditors")
    data = {"username": "frankie", "is_active": "on", "groups": [auditors.pk]}
    response = admin_client_.post(change_url(front_desk), data)
    assert response.status_code == 200  # refused: not a choice
    assert "groups" in response.context["adminform"].form.errors

    front_desk.groups.add(auditors)  # given by a superuser
    data["groups"] = [role(FRONT_DESK).pk]
    assert admin_client_.post(change_url(front_desk), data).status_code == 302
    assert set(front_desk.groups.values_list("name", flat=True)) == {FRONT_DESK, "Auditors"}


def test_a_superuser_is_read_only_for_a_clinic_admin(admin_client_, boss):
    response = admin_client_.get(change_url(boss))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    response = admin_client_.post(
        change_url(boss), {"username": "boss", "is_active": "", "first_name": "Hacked"}
    )
    assert response.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[boss.pk])
    assert admin_client_.get(password).status_code == 403
    boss.refresh_from_db()
    assert boss.is_active and boss.first_name == ""


def test_a_clinic_admin_cannot_delete_accounts(admin_client_, front_desk):
    url = reverse("admin:auth_user_delete", args=[front_desk.pk])
    assert admin_client_.get(url).status_code == 403


def test_a_superuser_still_sees_every_field(client_for, boss, front_desk):
    response = client_for(boss).get(change_url(front_desk))
    assert {"is_superuser", "user_permissions"} <= set(response.context["adminform"].form.fields)


@pytest.mark.parametrize("persona", ["provider", "front_desk"])
def test_other_roles_may_not_open_the_users(request, client_for, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even with the flag: the role decides
    user.save()
    response = client_for(user).get(USERS)
    # The admin site itself is for Clinic admins: others are sent to its login page, which
    # tells them they are not authorized (as for every admin page).
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_api_tokens_cannot_be_minted_for_a_superuser_by_a_clinic_admin(admin_client_, boss):
    response = admin_client_.get(reverse("admin:clinic_apitoken_add"))
    assert boss not in response.context["adminform"].form.fields["user"].queryset
    response = admin_client_.post(
        reverse("admin:clinic_apitoken_add"), {"user": boss.pk, "name": "Backdoor"}
    )
    assert response.status_code == 200 and not ApiToken.objects.exists()
