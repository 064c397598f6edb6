import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db


def snapshot():
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"auth", "consultations", "treatments", "plans", "appointments"}
    }


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    return tmp_path


def test_seed_demo_creates_one_user_per_role_and_is_idempotent(seeded, capsys):
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


def test_the_demo_clinic_is_in_motion(seeded):
    """About 40 patients over six months, plans in every status, sessions this week, measured
    courses with photos, and the two warnings a provider should see."""
    from consultations.models import Patient
    from treatments.appointments.models import Appointment, OutcomeWarning, ProgressPhoto
    from treatments.plans.models import Plan, PlanStatus

    today = timezone.localdate()
    assert 38 <= Patient.objects.count() <= 45
    assert set(Plan.objects.values_list("status", flat=True)) == set(PlanStatus.values)
    week = [today + datetime.timedelta(days=d) for d in range(7)]
    assert Appointment.objects.filter(status="booked", start__date__in=week).count() >= 3
    assert Appointment.objects.filter(
        status="booked", start__date__gt=today + datetime.timedelta(days=7)
    ).exists()
    assert Appointment.objects.filter(
        status="done", start__date__lt=today - datetime.timedelta(days=150)
    ).exists()
    assert {"no_show", "cancelled"} <= set(Appointment.objects.values_list("status", flat=True))
    done = Appointment.objects.filter(status="done")
    assert done.count() >= 30
    assert not done.filter(treated_areas__pinch_mm__isnull=True).exists()
    photos = ProgressPhoto.objects.all()
    assert photos.filter(kind="before").exists() and photos.filter(kind="after").exists()
    with photos.first().image.open("rb") as f:
        assert f.read(3) == b"\xff\xd8\xff"  # a real JPEG, generated at seed time
    assert sorted(OutcomeWarning.objects.values_list("kind", flat=True)) == [
        "non_responder",
        "pah",
    ]


def test_every_report_shows_something_on_the_demo_data(seeded, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    from django.urls import reverse

    business = client.get(reverse("reports:business")).content.decode()
    assert "Nothing to show" not in business
    for name in ("utilisation", "outcomes"):
        page = client.get(reverse(f"reports:{name}")).content.decode()
        assert "Nothing to show" not in page
    assert "Update the assumption" in client.get(reverse("reports:outcomes")).content.decode()
