"""Clinic admins edit consent texts in the admin: an edit publishes the next version."""

import pytest
from django.urls import reverse

from treatments.catalog.models import Treatment
from treatments.plans.models import ConsentText

pytestmark = pytest.mark.django_db


def test_editing_a_consent_text_saves_a_new_version(client_for, clinic_admin):
    treatment = Treatment.objects.get(code="cryolipolysis")
    first = ConsentText.objects.get(treatment=treatment)
    client = client_for(clinic_admin)
    response = client.post(
        reverse("admin:plans_consenttext_change", args=[first.pk]),
        {"treatment": treatment.pk, "title": first.title, "body": "New wording."},
        follow=True,
    )
    assert response.status_code == 200
    assert "Saved as version 2" in response.content.decode()
    first.refresh_from_db()
    assert first.body != "New wording."
    assert ConsentText.objects.get(treatment=treatment, version=2).body == "New wording."


def test_providers_cannot_edit_consent_texts(client_for, provider):
    response = client_for(provider).get(reverse("admin:plans_consenttext_changelist"))
    assert response.status_code in (302, 403)


def test_signed_consents_are_read_only_in_the_admin(client_for, clinic_admin):
    response = client_for(clinic_admin).get(reverse("admin:plans_planconsent_changelist"))
    assert response.status_code == 200
    assert "Add plan consent" not in response.content.decode()
