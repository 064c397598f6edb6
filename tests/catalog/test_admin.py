"""The catalog admin: Clinic admins edit it, and nonsense is refused with a clear message."""

from decimal import Decimal as D

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from treatments.catalog.models import CatalogSettings, Treatment

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return reverse(f"admin:treatments_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(obj, **changes) -> dict:
    """The change form as the browser would post it, with `changes` applied."""
    data = {}
    for key, value in model_to_dict(obj).items():
        if key == "id":
            continue
        if isinstance(value, list):
            data[key] = [getattr(v, "pk", v) for v in value]
        elif value is None:
            data[key] = ""
        else:
            data[key] = value
    if isinstance(obj, Treatment):
        for prefix in ("condition_rules", "suitability_rules", "applicators"):
            data.update(
                {
                    f"{prefix}-TOTAL_FORMS": "0",
                    f"{prefix}-INITIAL_FORMS": "0",
                    f"{prefix}-MIN_NUM_FORMS": "0",
                    f"{prefix}-MAX_NUM_FORMS": "1000",
                }
            )
    data.update(changes)
    return data


@pytest.fixture
def cryo():
    return Treatment.objects.get(code="cryolipolysis")


@pytest.fixture
def admin_client(client_for, clinic_admin):
    return client_for(clinic_admin)


def test_clinic_admin_changes_a_price(admin_client, cryo):
    response = admin_client.post(change_url(cryo), form_data(cryo, price_per_unit="800.00"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    cryo.refresh_from_db()
    assert cryo.price_per_unit == D("800.00")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"min_sessions": 4, "max_sessions": 2},
            "max_sessions",
            "The most sessions (2) cannot be fewer than the least (4).",
        ),
        ({"price_per_unit": "-1.00"}, "price_per_unit", "Must be zero or more."),
        ({"min_interval_days": 0}, "min_interval_days", "Must be at least 1."),
        (
            {"min_interval_days": 50, "usual_interval_days": 42},
            "usual_interval_days",
            "The usual interval (42 days) cannot be shorter than the minimum (50 days).",
        ),
        ({"min_sessions": 0}, "min_sessions", "Must be at least 1."),
        ({"reduction_percent": "0"}, "reduction_percent", "must be above 0%"),
        ({"reduction_percent": "100"}, "reduction_percent", "must be below 100%"),
        ({"units_medium": 0}, "units_medium", "Must be at least 1."),
        (
            {"units_large": 9},
            "units_large",
            "A large area needs 9 units but one visit allows at most 8; it could never be treated.",
        ),
        ({"max_units_per_round": 0}, "max_units_per_round", "Must be at least 1."),
        ({"min_pinch_mm": "-5"}, "min_pinch_mm", "Must be zero or more."),
        ({"bmi_limit": "5"}, "bmi_limit", "A BMI limit below 10 would exclude everyone."),
        (
            {"session_base_minutes": 0, "minutes_per_unit": 0, "minutes_per_round": 0},
            "session_base_minutes",
            "A session must take some time",
        ),
        ({"code": "Cryo Lipo"}, "code", "Use lower_snake_case"),
    ],
)
def test_treatment_nonsense_is_refused(admin_client, cryo, changes, field, message):
    response = admin_client.post(change_url(cryo), form_data(cryo, **changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in e for e in errors[field]), errors
    assert message.split("(")[0] in response.content.decode().replace("&#x27;", "'")
    cryo.refresh_from_db()
    assert cryo.min_sessions == 1 and cryo.price_per_unit == D("750.00")


def test_condition_rule_inline_needs_a_sentence_and_is_unique(admin_client, cryo):
    rule = cryo.condition_rules.get(condition__code="pregnancy")
    data = form_data(
        cryo,
        **{
            "condition_rules-TOTAL_FORMS": "1",
            "condition_rules-0-condition": rule.condition_id,
            "condition_rules-0-action": "warn",
            "condition_rules-0-sentence": "",
        },
    )
    response = admin_client.post(change_url(cryo), data)
    assert response.status_code == 200
    assert "This field is required." in str(
        response.context["inline_admin_formsets"][0].formset.errors
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"course_discount_percent": "120"}, "course_discount_percent", "cannot be above 100"),
        ({"deposit_percent": "-5"}, "deposit_percent", "cannot be below 0"),
        ({"course_discount_min_sessions": 0}, "course_discount_min_sessions", "at least 1"),
        ({"payment_plan_months": "3,six"}, "payment_plan_months", "whole numbers of months"),
        ({"payment_plan_months": "0,6"}, "payment_plan_months", "between 1 and 60"),
        ({"payment_plan_months": "6,6"}, "payment_plan_months", "only once"),
        (
            {"closed_weekdays": ["0", "1", "2", "3", "4", "5", "6"]},
            "closed_weekdays",
            "at least one weekday",
        ),
        ({"closed_weekdays": ["7"]}, "closed_weekdays", "Select a valid choice"),
        ({"default_goal_pinch_mm": "0"}, "default_goal_pinch_mm", "at least 1 mm"),
    ],
)
def test_settings_nonsense_is_refused(admin_client, changes, field, message):
    settings = CatalogSettings.objects.get()
    response = admin_client.post(change_url(settings), form_data(settings, **changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in e for e in errors[field]), errors


def test_settings_change(admin_client):
    settings = CatalogSettings.objects.get()
    response = admin_client.post(
        change_url(settings),
        form_data(settings, payment_plan_months="6,12,24", closed_weekdays=["6", "0"]),
    )
    assert response.status_code == 302
    saved = CatalogSettings.objects.get()
    assert saved.plan_months() == [6, 12, 24]
    assert saved.closed_weekdays == "0,6"


def test_settings_form_shows_weekdays_as_checkboxes(admin_client):
    settings = CatalogSettings.objects.get()
    html = admin_client.get(change_url(settings)).content.decode()
    assert 'type="checkbox" name="closed_weekdays" value="6"' in html
    assert html.count('name="closed_weekdays"') == 7


def test_settings_cannot_be_added_twice_or_deleted(admin_client):
    assert admin_client.get(reverse("admin:treatments_catalogsettings_add")).status_code == 403
    settings = CatalogSettings.objects.get()
    delete = reverse("admin:treatments_catalogsettings_delete", args=[settings.pk])
    assert admin_client.get(delete).status_code == 403


@pytest.mark.parametrize("persona", ["provider", "front_desk"])
def test_other_roles_cannot_open_the_admin(request, client_for, persona, cryo):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(change_url(cryo))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
