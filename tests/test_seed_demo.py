import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def snapshot():
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"auth", "consultations", "treatments"}
    }


def test_seed_demo_creates_one_user_per_role_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    users = get_user_model().objects.filter(username__in=["admin", "provider", "frontdesk"])
    assert {u.username: [g.name for g in u.groups.all()] for u in users} == {
        "admin": ["Clinic admin"],
        "provider": ["Provider"],
        "frontdesk": ["Front desk"],
    }
    assert all(u.check_password("contour-demo") for u in users)
    assert "admin" in capsys.readouterr().out
