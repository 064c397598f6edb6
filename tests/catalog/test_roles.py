"""treatments.roles: Clinic admins edit the catalog; Provider and Front desk view and preview."""

import pytest

pytestmark = pytest.mark.django_db

EDIT = [
    "treatments.change_treatment",
    "treatments.add_treatment",
    "treatments.change_conditionrule",
    "treatments.change_suitabilityrule",
    "treatments.change_catalogsettings",
    "treatments.add_clinicclosure",
]
VIEW = ["treatments.view_treatment", "treatments.view_conditionrule", "treatments.preview_plan"]


def test_clinic_admin_edits_the_catalog(clinic_admin):
    assert clinic_admin.has_perms(EDIT + VIEW)
    assert not clinic_admin.has_perm("treatments.delete_treatment")  # deactivate instead


@pytest.mark.parametrize("persona", ["provider", "front_desk"])
def test_provider_and_front_desk_view_and_preview(request, persona):
    user = request.getfixturevalue(persona)
    assert user.has_perms(VIEW)
    assert not any(user.has_perm(p) for p in EDIT)


def test_outsider_has_nothing(outsider):
    assert not any(outsider.has_perm(p) for p in EDIT + VIEW)
