import pytest
from django.contrib.auth.models import Group

from clinic import roles
from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER, role_permissions, sync_roles

pytestmark = pytest.mark.django_db


def group_perms(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{app}.{code}"
        for app, code in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_migrations_create_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {CLINIC_ADMIN, PROVIDER, FRONT_DESK}


def test_each_role_has_exactly_its_declared_permissions():
    declared = role_permissions()
    for role in (CLINIC_ADMIN, PROVIDER, FRONT_DESK):
        assert group_perms(role) == declared[role]


def test_only_clinic_admins_may_edit_the_catalog():
    assert "treatments.change_condition" in group_perms(CLINIC_ADMIN)
    assert "treatments.change_condition" not in group_perms(PROVIDER)
    assert "treatments.change_condition" not in group_perms(FRONT_DESK)


def test_sync_is_idempotent_and_removes_stray_permissions():
    from django.contrib.auth.models import Permission

    stray = Permission.objects.get(codename="delete_user")
    Group.objects.get(name=PROVIDER).permissions.add(stray)
    sync_roles()
    sync_roles()
    assert "auth.delete_user" not in group_perms(PROVIDER)
    assert Group.objects.filter(name=PROVIDER).count() == 1


def test_a_misspelt_permission_is_an_error(monkeypatch):
    monkeypatch.setattr(
        roles, "role_permissions", lambda: {PROVIDER: {"treatments.fly_to_the_moon"}}
    )
    with pytest.raises(LookupError, match="fly_to_the_moon"):
        sync_roles()
