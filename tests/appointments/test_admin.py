"""The admin for rooms, devices, opening hours and providers: Clinic admins only."""

import pytest
from django.urls import reverse

from .factories import setup_clinic

pytestmark = pytest.mark.django_db

MODELS = ["room", "device", "openinghours", "providerprofile"]


@pytest.mark.parametrize("model", MODELS)
def test_clinic_admin_edits_resources(client_for, clinic_admin, provider, model):
    setup_clinic(provider)
    client = client_for(clinic_admin)
    assert client.get(reverse(f"admin:appointments_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:appointments_{model}_add")).status_code == 200


def test_provider_profile_shows_the_feed_url(client_for, clinic_admin, provider):
    clinic = setup_clinic(provider)
    page = client_for(clinic_admin).get(
        reverse("admin:appointments_providerprofile_change", args=[clinic.profile.pk])
    )
    assert clinic.profile.ical_token in page.content.decode()


@pytest.mark.parametrize("persona", ["provider", "front_desk"])
def test_other_roles_cannot_open_the_admin(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("admin:appointments_room_changelist")
    )
    assert response.status_code in (302, 403)
