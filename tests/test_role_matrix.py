"""The role matrix: every URL pattern of the project's URLconf (found by walking the
resolver, so a new URL cannot escape) by anonymous, a staff user with no role and each role.
Each named pattern has an explicit expected status per persona (a URL with no entry fails);
the admin's patterns follow one rule (only Clinic admins get past its login). On every page
the front desk or a user with no role may open, no clinical field renders.

Every URL is opened with GET, its path filled with the real objects of one patient's whole
record (tests.records), so a status is the view's answer about a real row, never a 404
for a missing one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.factories import UserFactory
from tests.records import CLINICAL_MARKERS, Record, make_record
from treatments.appointments.models import OutcomeWarning
from treatments.catalog.models import BodyArea

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "no_role", "clinic_admin", "provider", "front_desk")
LOGIN = 302  # anonymous: to the login page
# A GET on a view that only takes POST.
POST_ONLY = 405

# URL name -> statuses for (anonymous, no role, Clinic admin, Provider, Front desk).
EXPECTED: dict[str, tuple[int, int, int, int, int]] = {
    "dashboard": (LOGIN, 200, 200, 200, 200),
    "healthz": (200, 200, 200, 200, 200),
    "favicon.ico": (301, 301, 301, 301, 301),
    "login": (200, 302, 302, 302, 302),  # a signed-in user goes on to the dashboard
    "logout": (POST_ONLY,) * 5,
    "password_change": (LOGIN, 200, 200, 200, 200),
    # Two-factor pages: with 2FA not required (the suite's setting) a signed-in user goes on.
    "two-factor-verify": (LOGIN, 302, 302, 302, 302),
    "two-factor-setup": (LOGIN, 302, 302, 302, 302),
    "session-activity": (401, 200, 200, 200, 200),
    "consultations:assessment-map-preview": (LOGIN, 403, POST_ONLY, POST_ONLY, 403),
    "appointments:outcome-warning-review": (POST_ONLY,) * 5,
    # Reports: money for Clinic admins only; utilisation for the front desk; outcomes for
    # clinical staff.
    "reports:business": (LOGIN, 403, 200, 403, 403),
    "reports:utilisation": (LOGIN, 403, 200, 403, 200),
    "reports:outcomes": (LOGIN, 403, 200, 200, 403),
    "password_change_done": (LOGIN, 200, 200, 200, 200),
    "password_reset": (200,) * 5,
    "password_reset_done": (200,) * 5,
    "password_reset_confirm": (200,) * 5,  # "the link is invalid"
    "password_reset_complete": (200,) * 5,
    # The API: 401 without a session or token; writes only take POST.
    "api:openapi-json": (200,) * 5,
    "api:openapi-view": (200,) * 5,
    "api:api-root": (404,) * 5,  # no page at the bare prefix
    "api:me": (401, 200, 200, 200, 200),
    "api:preview_plan": (POST_ONLY,) * 5,
    # The same path as api:list_patients: a GET lists.
    "api:create_patient": (401, 403, 200, 200, 200),
    "api:get_patient": (401, 403, 200, 200, 200),
    "api:create_intake_link": (POST_ONLY,) * 5,
    "api:list_appointments": (401, 403, 200, 200, 200),
    "api:list_patients": (401, 403, 200, 200, 200),
    "api:get_proposal": (401, 403, 200, 403, 200),
    "api:book_course": (POST_ONLY,) * 5,
    # Audit and patient rights: Clinic admins only.
    "audit:log": (LOGIN, 403, 200, 403, 403),
    "records:export-json": (LOGIN, 403, 200, 403, 403),
    "records:export-pdf": (LOGIN, 403, 200, 403, 403),
    "records:delete": (LOGIN, 403, 200, 403, 403),
    # Patients, intake links and answers, assessments.
    "consultations:patient-list": (LOGIN, 403, 200, 200, 200),
    "consultations:patient-create": (LOGIN, 403, 200, 403, 200),
    "consultations:patient-detail": (LOGIN, 403, 200, 200, 200),
    "consultations:patient-edit": (LOGIN, 403, 200, 403, 200),
    "consultations:intake-link-create": (POST_ONLY,) * 5,
    "consultations:intake-detail": (LOGIN, 403, 200, 200, 403),
    "consultations:intake-link-revoke": (POST_ONLY,) * 5,
    "consultations:intake-link-email": (POST_ONLY,) * 5,
    "consultations:assessment-create": (LOGIN, 403, 200, 200, 403),
    "consultations:assessment-detail": (LOGIN, 403, 200, 200, 403),
    # The patient's own links: no login, the token is the key.
    "consultations:intake-start": (200,) * 5,
    "consultations:intake-step": (200,) * 5,
    "consultations:intake-review": (200,) * 5,
    "consultations:intake-done": (302,) * 5,
    "catalog:catalog": (LOGIN, 403, 200, 200, 200),
    # Plans.
    "plans:plan-options": (LOGIN, 403, 200, 200, 403),
    "plans:plan-detail": (LOGIN, 403, 200, 200, 200),
    "plans:plan-adjust": (POST_ONLY,) * 5,
    "plans:plan-status": (POST_ONLY,) * 5,
    "plans:plan-supersede": (POST_ONLY,) * 5,
    "plans:plan-quote": (LOGIN, 403, 200, 200, 200),
    "plans:plan-quote-pdf": (LOGIN, 403, 200, 200, 200),
    "plans:plan-consent": (LOGIN, 403, 200, 200, 403),
    "plans:plan-consent-done": (LOGIN, 403, 200, 200, 403),
    "plans:plan-consent-link": (POST_ONLY,) * 5,
    "plans:consent-link": (410,) * 5,  # the plan is past signing: the link is closed
    # Sessions.
    "appointments:plans-to-book": (LOGIN, 403, 200, 403, 200),
    "appointments:calendar": (LOGIN, 403, 200, 200, 200),
    "appointments:plan-sessions": (LOGIN, 403, 200, 200, 200),
    "appointments:plan-book": (LOGIN, 403, 200, 403, 200),
    "appointments:session-book": (LOGIN, 403, 200, 403, 200),
    "appointments:appointment-detail": (LOGIN, 403, 200, 200, 200),
    "appointments:appointment-reschedule": (LOGIN, 403, 302, 403, 302),  # done: not movable
    "appointments:appointment-cancel": (POST_ONLY,) * 5,
    "appointments:appointment-record": (LOGIN, 403, 200, 200, 403),
    "appointments:appointment-ics": (LOGIN, 403, 200, 200, 200),
    "appointments:photo": (LOGIN, 403, 200, 200, 403),
    "appointments:provider-feed": (200,) * 5,  # the provider's secret feed link
}


def query_strings() -> dict[str, str]:
    """What a URL needs after its path to be a valid request."""
    today = timezone.localdate()
    week = (today - datetime.timedelta(days=7), today + datetime.timedelta(days=40))
    return {"api:list_appointments": f"?start={week[0]}&end={week[1]}"}


def path_values(r: Record) -> dict[str, dict]:
    """The real objects behind each URL's converters."""
    patient, plan = r.patient.pk, r.plan.pk
    feed = r.done.provider.provider_profile.ical_token
    third_session = r.plan.sessions.get(number=3).pk
    warning = OutcomeWarning.objects.create(
        plan=r.plan,
        area=BodyArea.objects.get(code="upper_back"),
        kind=OutcomeWarning.NON_RESPONDER,
        message="No measurable reduction after two sessions.",
        measured_on=timezone.localdate(),
    )
    return {
        "appointments:outcome-warning-review": {"pk": warning.pk},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "api:get_patient": {"patient_id": patient},
        "api:create_intake_link": {"patient_id": patient},
        "api:get_proposal": {"plan_id": plan},
        "api:book_course": {"plan_id": plan},
        "records:export-json": {"pk": patient},
        "records:export-pdf": {"pk": patient},
        "records:delete": {"pk": patient},
        "consultations:patient-detail": {"pk": patient},
        "consultations:patient-edit": {"pk": patient},
        "consultations:intake-link-create": {"pk": patient},
        "consultations:intake-detail": {"pk": patient, "intake_pk": r.intake.pk},
        "consultations:intake-link-revoke": {"pk": patient, "intake_pk": r.open_intake.pk},
        "consultations:intake-link-email": {"pk": patient, "intake_pk": r.open_intake.pk},
        "consultations:assessment-create": {"pk": patient},
        "consultations:assessment-detail": {"pk": patient, "assessment_pk": r.assessment.pk},
        "consultations:intake-start": {"token": r.open_intake.token},
        "consultations:intake-step": {"token": r.open_intake.token, "number": 1},
        "consultations:intake-review": {"token": r.open_intake.token},
        "consultations:intake-done": {"token": r.open_intake.token},
        "plans:plan-options": {"pk": patient, "assessment_pk": r.assessment.pk},
        **{
            f"plans:{name}": {"pk": patient, "plan_pk": plan}
            for name in (
                "plan-detail",
                "plan-adjust",
                "plan-status",
                "plan-supersede",
                "plan-quote",
                "plan-quote-pdf",
                "plan-consent",
                "plan-consent-done",
                "plan-consent-link",
            )
        },
        "plans:consent-link": {"token": r.consent_link.token},
        "appointments:plan-sessions": {"pk": plan},
        "appointments:plan-book": {"pk": plan},
        "appointments:session-book": {"pk": third_session},
        **{
            f"appointments:{name}": {"pk": r.done.pk}
            for name in (
                "appointment-detail",
                "appointment-reschedule",
                "appointment-cancel",
                "appointment-record",
                "appointment-ics",
            )
        },
        "appointments:photo": {"pk": r.photo.pk},
        "appointments:provider-feed": {"token": feed},
    }


def url_patterns(resolver=None, prefix: str = "", namespace: str = ""):
    """(name, route, pattern) for every pattern, includes followed; the admin's as one
    resolver (its own rule below)."""
    resolver = resolver or get_resolver("clinic.urls")
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin", route, pattern
                continue
            ns = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from url_patterns(pattern, route, ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or route, route, pattern


def fill(route: str, values: dict) -> str:
    def value(match):
        key = match.group(2)
        if key not in values:
            raise KeyError(key)
        return str(values[key])

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.fixture
def world(clinic_admin, provider, front_desk, roles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    record = make_record(provider, front_desk=front_desk)
    no_role = UserFactory(username="norole", is_staff=True)
    clients = {"anonymous": Client()}
    for name, user in (
        ("no_role", no_role),
        ("clinic_admin", clinic_admin),
        ("provider", provider),
        ("front_desk", front_desk),
    ):
        clients[name] = Client()
        clients[name].force_login(user)
    return record, clients


def test_every_url_has_an_expected_status_per_persona(world):
    record, clients = world
    values = path_values(record)
    seen, missing, wrong, leaks = set(), [], [], []
    for name, route, _pattern in url_patterns():
        if name == "admin":
            continue
        seen.add(name)
        if name not in EXPECTED:
            missing.append(f"{name} ({route})")
            continue
        try:
            url = fill(route, values.get(name, {})) + query_strings().get(name, "")
        except KeyError as exc:
            missing.append(f"{name}: no object for <{exc.args[0]}>")
            continue
        for persona, expected in zip(PERSONAS, EXPECTED[name], strict=True):
            response = clients[persona].get(url)
            if response.status_code != expected:
                wrong.append(f"{name} as {persona}: {response.status_code}, expected {expected}")
            if persona in ("front_desk", "no_role") and response.status_code == 200:
                body = b"".join(response) if response.streaming else response.content
                text = body.decode(errors="replace")
                found = [m for m, marker in CLINICAL_MARKERS.items() if marker in text]
                if found:
                    leaks.append(f"{name} shows {persona} {found}")
    assert missing == [], "URLs with no expected status (add them to EXPECTED):\n" + "\n".join(
        missing
    )
    assert wrong == [], "\n".join(wrong)
    assert leaks == [], "\n".join(leaks)
    assert set(EXPECTED) <= seen, (
        f"EXPECTED names URLs that no longer exist: {set(EXPECTED) - seen}"
    )


def test_only_clinic_admins_get_past_the_admin_login(world):
    """Every page of the admin: the index, each app's, each model's list and add page."""
    _record, clients = world
    (admin_route,) = [route for name, route, _ in url_patterns() if name == "admin"]
    from django.contrib import admin

    urls = ["/" + admin_route]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(f"/{admin_route}{meta.app_label}/")
        urls.append(f"/{admin_route}{meta.app_label}/{meta.model_name}/")
    for url in sorted(set(urls)):
        for persona in ("anonymous", "no_role", "provider", "front_desk"):
            response = clients[persona].get(url)
            assert response.status_code == 302, (url, persona)
            assert "/admin/login/" in response["Location"], (url, persona)
        assert clients["clinic_admin"].get(url).status_code in (200, 403), url


def test_a_new_url_without_an_entry_fails_the_matrix():
    """The matrix's own guard: a name the walk finds but EXPECTED lacks is reported."""
    names = {name for name, _route, _ in url_patterns() if name != "admin"}
    assert names - set(EXPECTED) == set()
    assert "appointments:appointment-detail" in names and "favicon.ico" in names
