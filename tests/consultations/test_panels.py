"""consultations.panels: the registry each app fills from its AppConfig.ready()."""

import pytest
from django.apps import apps
from django.test import RequestFactory

from consultations import panels, selectors
from consultations.panels import ASSESSMENT_PAGE, Panel, panels_for, register_panel


def names(page=panels.PATIENT_PAGE):
    return [(p.column, p.name) for p in panels.registered_panels(page)]


def test_every_app_registers_its_panels_in_journey_order():
    assert names() == [
        ("top", "screening"),
        ("main", "intakes"),
        ("main", "assessments"),
        ("main", "plans"),
        ("main", "outcome-warnings"),
        ("main", "progress"),
        ("side", "details"),
        ("side", "timeline"),
        ("side", "rights"),  # clinic.records: Clinic admins only
        ("side", "audit"),  # clinic.audit: Clinic admins only
    ]
    assert names(ASSESSMENT_PAGE) == [("main", "plans")]


def test_every_app_adds_its_events_to_the_timeline():
    from treatments.appointments import selectors as sessions
    from treatments.plans import selectors as plans

    sources = list(selectors.TIMELINE_SOURCES)
    assert sources == [
        selectors.intake_timeline_events,
        selectors.assessment_timeline_events,
        plans.plan_timeline_events,
        sessions.session_timeline_events,
    ]


def test_running_ready_again_changes_nothing():
    before = (names(), names(ASSESSMENT_PAGE), list(selectors.TIMELINE_SOURCES))
    for label in ("consultations", "plans", "appointments"):
        apps.get_app_config(label).ready()
    assert (names(), names(ASSESSMENT_PAGE), list(selectors.TIMELINE_SOURCES)) == before


def test_a_panel_names_a_known_column():
    with pytest.raises(ValueError, match="column"):
        Panel("x", "x.html", 1, lambda request, patient: {}, column="footer")


class User:
    def __init__(self, *perms):
        self.perms = set(perms)

    def has_perm(self, perm):
        return perm in self.perms


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_panels_for_loads_what_the_user_may_see_by_column_and_order(registry):
    register_panel(Panel("b", "b.html", 20, lambda request, patient: {"n": patient}))
    register_panel(Panel("a", "a.html", 10, lambda request, patient: {}, column="side"))
    register_panel(Panel("c", "c.html", 10, lambda request, patient: {}))
    register_panel(
        Panel("secret", "s.html", 5, lambda request, patient: {}, permission="app.secret")
    )
    register_panel(Panel("other", "o.html", 1, lambda r, a: {}, page=ASSESSMENT_PAGE))
    loaded = panels_for(request_for(User()), 7)
    assert {column: [p.name for p in found] for column, found in loaded.items()} == {
        "top": [],
        "main": ["c", "b"],
        "side": ["a"],
    }
    assert loaded["main"][1].context == {"n": 7}
    allowed = panels_for(request_for(User("app.secret")), 7)
    assert [p.name for p in allowed["main"]] == ["secret", "c", "b"]


def test_a_panel_registered_again_replaces_the_first(registry):
    register_panel(Panel("a", "old.html", 10, lambda request, patient: {}))
    register_panel(Panel("a", "new.html", 10, lambda request, patient: {}))
    assert [p.template for p in panels.registered_panels()] == ["new.html"]


def test_shared_values_load_once_per_request():
    calls = []
    request = request_for(User())
    for _ in range(3):
        assert panels.shared(request, "intakes", lambda: calls.append(1) or "loaded") == "loaded"
    assert calls == [1]
    panels.shared(request_for(User()), "intakes", lambda: calls.append(1))
    assert calls == [1, 1]
