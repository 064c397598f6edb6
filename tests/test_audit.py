"""The audit trail: every create, change and delete of the project's records with who, when,
from where and the fields' old and new values; the reads that matter; the audit page and an
object's history for Clinic admins; and no way to edit or delete an entry."""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from clinic.audit.registry import audited_models, patient_id_of
from clinic.models import ApiToken
from clinic.roles import FRONT_DESK, PROVIDER
from tests.factories import UserFactory
from tests.records import make_record

pytestmark = pytest.mark.django_db

A, U, D, R = (
    LogEntry.Action.CREATE,
    LogEntry.Action.UPDATE,
    LogEntry.Action.DELETE,
    LogEntry.Action.ACCESS,
)
PATIENT = {
    "first_name": "Dana",
    "last_name": "Reyes",
    "date_of_birth": "1985-05-05",
    "sex": "female",
    "email": "dana@example.com",
    "phone": "+1 415 555 0100",
    "preferred_contact": "email",
}


def entries_for(obj, action=None):
    qs = LogEntry.objects.get_for_object(obj)
    return list(qs.filter(action=action) if action is not None else qs)


@pytest.fixture
def record(provider, front_desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_record(provider, front_desk=front_desk)


# --- What is registered ---------------------------------------------------------------------

REQUIRED = [
    "consultations.Patient",
    "consultations.Intake",
    "consultations.IntakeResponse",
    "consultations.Assessment",
    "consultations.AssessmentArea",
    "consultations.Questionnaire",
    "consultations.Question",
    "treatments.Treatment",
    "treatments.BodyArea",
    "treatments.Condition",
    "plans.Plan",
    "plans.PlanSession",
    "plans.PlanConsent",
    "plans.ConsentLink",
    "plans.ConsentText",
    "appointments.Appointment",
    "appointments.TreatedArea",
    "appointments.ProgressPhoto",
    "clinic.ApiToken",
    "auth.User",
    "auth.Group",
]


def test_every_model_of_the_project_is_audited():
    for label in REQUIRED:
        assert auditlog.contains(apps.get_model(label)), label
    for label in ("consultations", "treatments", "plans", "appointments", "clinic"):
        for model in apps.get_app_config(label).get_models():
            assert auditlog.contains(model), model._meta.label
    assert set(audited_models()) >= {apps.get_model(label) for label in REQUIRED}


def test_every_record_of_the_patient_is_logged_with_the_patient(record):
    """make_record writes one of each kind: each has a create entry naming the patient."""
    objects = [
        record.patient,
        record.intake,
        record.intake.responses.get(),
        record.assessment,
        record.assessment.areas.get(),
        record.plan,
        record.plan.sessions.first(),
        record.plan.consents.get(),
        record.consent_link,
        record.done,
        record.done.treated_areas.get(),
        record.photo,
    ]
    for obj in objects:
        created = entries_for(obj, A)
        assert len(created) == 1, obj
        assert created[0].additional_data["patient_id"] == record.patient.pk, obj
        assert patient_id_of(obj) == record.patient.pk


# --- Who, when, from where, old and new -----------------------------------------------------


def test_a_change_through_a_page_records_actor_address_and_old_and_new(client_for, front_desk):
    client = client_for(front_desk)
    client.post(reverse("consultations:patient-create"), PATIENT, REMOTE_ADDR="203.0.113.9")
    from consultations.models import Patient

    patient = Patient.objects.get()
    client.post(
        reverse("consultations:patient-edit", args=[patient.pk]),
        {**PATIENT, "last_name": "Reyes-Ortiz"},
        REMOTE_ADDR="203.0.113.9",
    )
    (created,) = entries_for(patient, A)
    (changed,) = entries_for(patient, U)
    for entry in (created, changed):
        assert entry.actor == front_desk
        assert entry.remote_addr == "203.0.113.9"
        assert entry.timestamp <= timezone.now()
    assert changed.changes_dict["last_name"] == ["Reyes", "Reyes-Ortiz"]


def test_a_forwarded_address_is_trusted_only_when_configured(client_for, front_desk, settings):
    client = client_for(front_desk)
    forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    client.post(reverse("consultations:patient-create"), PATIENT, **forwarded)
    created = LogEntry.objects.filter(action=A, content_type__model="patient")
    assert created.get().remote_addr == "10.0.0.2"
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    client.post(
        reverse("consultations:patient-create"),
        {**PATIENT, "email": "other@example.com", "first_name": "Other"},
        **forwarded,
    )
    assert created.order_by("-pk")[0].remote_addr == "198.51.100.7"


def test_a_deletion_is_recorded(record, clinic_admin):
    link = record.consent_link
    pk = link.pk
    link.delete()
    entry = LogEntry.objects.get(
        action=D, content_type=ContentType.objects.get_for_model(link), object_pk=str(pk)
    )
    assert entry.additional_data["patient_id"] == record.patient.pk


def test_roles_given_and_taken_are_recorded_with_who_did_it(
    client_for, clinic_admin, roles, settings
):
    staff = UserFactory(username="newhire", is_staff=True)
    client = client_for(clinic_admin)
    change = reverse("admin:auth_user_change", args=[staff.pk])
    form = {
        "username": "newhire",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "groups": [Group.objects.get(name=PROVIDER).pk],
    }
    response = client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    m2m = [e for e in entries_for(staff, U) if "groups" in (e.changes_dict or {})]
    assert m2m, "the role change was not recorded"
    assert m2m[-1].actor == clinic_admin
    assert m2m[-1].changes_dict["groups"]["operation"] == "add"
    assert PROVIDER in m2m[-1].changes_dict["groups"]["objects"]


def test_a_password_is_never_logged(clinic_admin):
    clinic_admin.set_password("a-new-secret-password")
    clinic_admin.save()
    for entry in LogEntry.objects.all():
        assert "password" not in (entry.changes_dict or {})
        assert "a-new-secret" not in json.dumps(entry.changes)


def test_api_tokens_issued_and_revoked_in_the_admin_are_audited_without_the_key(
    client_for, clinic_admin, front_desk
):
    client = client_for(clinic_admin)
    response = client.post(
        reverse("admin:clinic_apitoken_add"),
        {"user": front_desk.pk, "name": "Clinic website", "revoked_at_0": "", "revoked_at_1": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    token = ApiToken.objects.get()
    (issued,) = entries_for(token, A)
    assert issued.actor == clinic_admin
    assert "key_digest" not in issued.changes_dict
    assert token.key_digest not in json.dumps(issued.changes)
    client.post(
        reverse("admin:clinic_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    (revoked,) = entries_for(token, U)
    assert revoked.actor == clinic_admin
    assert revoked.changes_dict["revoked_at"][0] in (None, "None")


def test_an_api_write_is_credited_to_the_tokens_user(client, front_desk):
    token = ApiToken(user=front_desk, name="Website")
    raw_key = token.set_new_key()
    token.save()
    response = client.post(
        "/api/v1/patients",
        json.dumps({k: v for k, v in PATIENT.items() if k not in ("phone", "preferred_contact")}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw_key}",
    )
    assert response.status_code == 201, response.content
    entry = LogEntry.objects.get(action=A, content_type__model="patient")
    assert entry.actor == front_desk


def test_signatures_and_link_tokens_are_never_logged(record):
    consent = record.plan.consents.get()
    (entry,) = entries_for(consent, A)
    assert "signature" not in entry.changes_dict
    assert consent.signature not in json.dumps(entry.changes)
    for link in (record.consent_link, record.open_intake):
        (entry,) = entries_for(link, A)
        assert "token" not in entry.changes_dict
        assert link.token not in json.dumps(entry.changes)


# --- Reads ----------------------------------------------------------------------------------


def test_the_reads_that_matter_are_recorded(client_for, provider, record):
    client = client_for(provider)
    patient, plan = record.patient, record.plan
    reads = {
        "chart": (reverse("consultations:patient-detail", args=[patient.pk]), patient),
        "intake answers": (
            reverse("consultations:intake-detail", args=[patient.pk, record.intake.pk]),
            record.intake,
        ),
        "photo": (reverse("appointments:photo", args=[record.photo.pk]), record.photo),
        "quote PDF": (reverse("plans:plan-quote-pdf", args=[patient.pk, plan.pk]), plan),
    }
    for what, (url, obj) in reads.items():
        assert client.get(url, REMOTE_ADDR="192.0.2.44").status_code == 200, what
        (entry,) = entries_for(obj, R)
        assert entry.actor == provider, what
        assert entry.remote_addr == "192.0.2.44", what
        assert entry.additional_data == {"read": what, "patient_id": patient.pk}


def test_a_refused_read_is_not_recorded_as_one(client_for, front_desk, record):
    url = reverse("consultations:intake-detail", args=[record.patient.pk, record.intake.pk])
    assert client_for(front_desk).get(url).status_code in (403, 404)
    assert not entries_for(record.intake, R)


# --- The audit page -------------------------------------------------------------------------


def test_only_clinic_admins_open_the_audit_page(client, client_for, clinic_admin, provider):
    url = reverse("audit:log")
    assert client.get(url).status_code == 302
    assert client_for(provider).get(url).status_code == 403
    desk = UserFactory(username="desk2", roles=[FRONT_DESK])
    assert client_for(desk).get(url).status_code == 403
    response = client_for(clinic_admin).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_audit_page_searches_by_patient_user_dates_kind_and_action(
    client_for, clinic_admin, provider, record
):
    client = client_for(clinic_admin)
    client_for(provider).get(reverse("consultations:patient-detail", args=[record.patient.pk]))
    url = reverse("audit:log")

    def rows(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return response.context["entries"]

    mine = rows(patient="Marlowe")
    assert mine and all(e.additional_data["patient_id"] == record.patient.pk for e in mine)
    assert rows(patient=str(record.patient.pk)) == mine
    assert rows(patient="Nobody-by-this-name") == []
    reads = rows(action=R)
    assert [e.actor for e in reads] == [provider]
    assert rows(user="priya", action=R) == reads
    assert rows(user="alex", action=R) == []
    kind = ContentType.objects.get_for_model(record.photo).pk
    assert {e.content_type_id for e in rows(kind=kind)} == {kind}
    today = timezone.localdate()
    assert rows(since=today.isoformat(), until=today.isoformat(), action=R) == reads
    assert rows(until=(today - datetime.timedelta(days=1)).isoformat()) == []


def test_bad_search_input_gets_a_message_not_an_error(client_for, clinic_admin):
    client = client_for(clinic_admin)
    response = client.get(reverse("audit:log"), {"since": "2026-02-30", "kind": "x"})
    assert response.status_code == 400
    response = client.get(reverse("audit:log"), {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 400
    assert "before its start" in response.content.decode()
    response = client.get(reverse("audit:log"), {"before": "x"})
    assert response.status_code == 400
    assert "page link is broken" in response.content.decode()


def test_the_audit_page_pages_by_key_and_keeps_its_filters(client_for, clinic_admin, settings):
    settings.AUDIT_PAGE_SIZE = 3
    Group.objects.create(name="noise")  # besides the roles' own entries
    for n in range(5):
        UserFactory(username=f"bulk{n}")
    client = client_for(clinic_admin)
    first = client.get(
        reverse("audit:log"), {"kind": ContentType.objects.get_for_model(clinic_admin).pk}
    )
    seen = [e.pk for e in first.context["entries"]]
    assert len(seen) == 3 and seen == sorted(seen, reverse=True)
    second = client.get(reverse("audit:log") + "?" + first.context["older"])
    more = [e.pk for e in second.context["entries"]]
    assert more and max(more) < min(seen)
    assert {e.content_type.model for e in second.context["entries"]} == {"user"}


def test_the_audit_page_queries_do_not_grow_with_the_log(
    client_for, clinic_admin, record, django_assert_num_queries
):
    for n in range(10):
        UserFactory(username=f"bulk{n}")
    client = client_for(clinic_admin)
    client.get(reverse("audit:log"))  # warms the content-type cache
    assert LogEntry.objects.count() > 50
    # 1 session, 2 user, 3-4 the user's and the groups' permissions (the kinds' content
    # types come from Django's cache), 5 one page of entries with actors and content types,
    # 6 the user's groups (the role badge in the header).
    with django_assert_num_queries(6):
        response = client.get(reverse("audit:log"))
    assert len(response.context["entries"]) == 50
    with django_assert_num_queries(7):  # + the patients matching the search
        response = client.get(reverse("audit:log"), {"patient": "Marlowe"})
    assert response.context["entries"]


# --- An object's history --------------------------------------------------------------------


def test_clinic_admins_see_the_history_on_the_patient_plan_and_session_pages(
    client_for, clinic_admin, provider, record
):
    pages = [
        reverse("consultations:patient-detail", args=[record.patient.pk]),
        reverse("plans:plan-detail", args=[record.patient.pk, record.plan.pk]),
        reverse("appointments:appointment-detail", args=[record.done.pk]),
    ]
    record.plan.internal_notes = "Changed for the history"
    record.plan.save()
    admin, other = client_for(clinic_admin), client_for(provider)
    for url in pages:
        page = admin.get(url).content.decode()
        assert 'data-testid="audit-history"' in page, url
        assert "Create" in page
        assert 'data-testid="audit-history"' not in other.get(url).content.decode(), url
    plan_page = admin.get(pages[1]).content.decode()
    assert "internal_notes" in plan_page and "Changed for the history" in plan_page


# --- Nobody edits or deletes an entry -------------------------------------------------------


def test_no_one_can_change_or_delete_an_entry_in_the_admin(client_for, clinic_admin, roles):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    entry = LogEntry.objects.order_by("pk").first()
    assert entry is not None
    for user in (clinic_admin, root):
        client = client_for(user)
        assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
        delete = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
        client.post(change, {"object_repr": "forged"})
        assert client.post(
            reverse("admin:auditlog_logentry_changelist"),
            {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
        ).status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.object_repr != "forged"
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_no_role_holds_a_permission_to_change_or_delete_entries(roles):
    for group in Group.objects.all():
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert not codenames & {"add_logentry", "change_logentry", "delete_logentry"}
