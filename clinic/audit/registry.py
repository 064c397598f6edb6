"""What the audit trail records: every create, change and delete of the project's models
(every model of Contour's apps, so a new one cannot be forgotten), staff accounts and their
roles (m2m included) and API tokens. Secrets are never logged: the fields named in
`SECRET_FIELDS` (password, token digests and links, signatures) are left out of every
entry, whatever the model.

Each entry also carries the patient it concerns (`additional_data["patient_id"]`), so the
audit page finds a patient's whole trail with one filter.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist

AUDITED_APPS = ("consultations", "treatments", "plans", "appointments", "clinic")
# Never in the log, on any model: passwords, API key digests, intake/consent/calendar link
# tokens (each is a key to a patient's form or a provider's diary), drawn signatures, and a
# patient's unsubmitted draft answers.
SECRET_FIELDS = frozenset({"password", "key_digest", "token", "ical_token", "signature", "draft"})
# Written on every use, meaning nothing anyone needs to audit.
QUIET_FIELDS = frozenset({"last_login", "last_used_at"})
# The foreign keys that lead from a record towards its patient.
PARENTS = ("intake", "assessment", "plan", "plan_session", "appointment")


def patient_id_of(obj, depth: int = 0) -> int | None:
    """The id of the patient `obj` belongs to, or None (a catalog row, a user)."""
    if obj is None or depth > 4:
        return None
    if obj._meta.label_lower == "consultations.patient":
        return obj.pk
    if "patient" in {f.name for f in obj._meta.concrete_fields}:
        return obj.patient_id
    for name in PARENTS:
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not field.many_to_one:
            continue
        try:
            return patient_id_of(getattr(obj, name), depth + 1)
        except ObjectDoesNotExist:  # already deleted with the patient's record
            return None
    return None


def _additional_data(self) -> dict | None:
    """The patient the entry concerns, and whatever a service attached for the entry
    (`instance.audit_extra`, e.g. how many rows a patient's deletion removed)."""
    data = dict(getattr(self, "audit_extra", None) or {})
    patient_id = patient_id_of(self)
    if patient_id is not None:
        data["patient_id"] = patient_id
    return data or None


def audited_models() -> list:
    models = [m for label in AUDITED_APPS for m in apps.get_app_config(label).get_models()]
    return [*models, apps.get_model("auth", "User"), apps.get_model("auth", "Group")]


def register() -> None:
    """Called once from ClinicConfig.ready(); registering again changes nothing."""
    for model in audited_models():
        if auditlog.contains(model):
            continue
        m2m = {"User": {"groups", "user_permissions"}, "Group": {"permissions"}}
        # The model's own columns only (reverse relations say nothing), secrets left out.
        names = [f.name for f in model._meta.concrete_fields]
        auditlog.register(
            model,
            include_fields=[n for n in names if n not in SECRET_FIELDS | QUIET_FIELDS],
            m2m_fields=m2m.get(model.__name__, set()) if model._meta.app_label == "auth" else set(),
        )
        # auditlog asks each instance for `get_additional_data()`: the patient it concerns.
        if model._meta.app_label in AUDITED_APPS and not hasattr(model, "get_additional_data"):
            model.get_additional_data = _additional_data
