"""The read-only staff catalog page."""

import pytest
from django.urls import reverse

from treatments.catalog.models import Treatment

pytestmark = pytest.mark.django_db

URL = reverse("catalog:catalog")


@pytest.mark.parametrize("persona", ["clinic_admin", "provider", "front_desk"])
def test_staff_see_the_catalog(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Cryolipolysis (fat freezing)" in text
    assert "$750.00 per applicator cycle" in text
    assert "Cryoglobulinemia" in text
    assert "Course discount: 10% for 3 or more sessions." in text
    assert ("Edit in the admin" in text) is (persona == "clinic_admin")


def test_inactive_treatments_are_not_listed(client_for, provider):
    Treatment.objects.filter(code="laser_lipolysis").update(active=False)
    assert "Laser lipolysis" not in client_for(provider).get(URL).content.decode()


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_outsider_gets_403(client_for, outsider):
    assert client_for(outsider).get(URL).status_code == 403


def test_query_budget(client_for, provider, django_assert_max_num_queries):
    client = client_for(provider)
    # session + user, groups/permissions, settings, closures, 4 for the treatments and rules,
    # plus the nav's permission checks
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_nav_shows_the_catalog(client_for, provider, outsider):
    assert URL in client_for(provider).get(reverse("dashboard")).content.decode()
    assert URL not in client_for(outsider).get(reverse("dashboard")).content.decode()
