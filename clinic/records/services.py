"""Deleting a patient: refused while anything is open, otherwise every row of their record
in one transaction (each deletion in the audit trail), photos' files after the commit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from clinic.audit.context import act_as
from clinic.records import selectors
from consultations.models import Patient


class DeletionRefused(ValidationError):
    pass


def patient_delete(*, patient: Patient, by, confirm_name: str) -> dict[str, int]:
    """Delete the patient and everything of theirs; returns how many rows of each kind went.

    `confirm_name` is what the Clinic admin typed: the patient's full name, exactly (case and
    surrounding spaces aside). Refused while a plan or a booked session is open."""
    if " ".join(confirm_name.split()).casefold() != patient.full_name.casefold():
        raise ValidationError({"confirm_name": "Type the patient's full name exactly."})
    act_as(by)  # every deletion entry below names who asked for it
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        blockers = selectors.deletion_blockers(patient)
        if blockers:
            raise DeletionRefused(blockers)
        qs = selectors.querysets(patient)
        counts = {label: q.count() for label, q in qs.items()}
        files = [p.image.name for p in qs["appointments.progressphoto"]]
        # Children before the rows they protect: sessions (with their records and photos),
        # consents, plans (a replacement before the plan it replaced), assessments, answers.
        qs["appointments.appointment"].delete()
        qs["plans.planconsent"].delete()
        for plan in qs["plans.plan"].order_by("-pk"):
            plan.delete()
        qs["consultations.assessment"].delete()
        qs["consultations.intakeresponse"].delete()
        qs["consultations.intake"].delete()
        patient.audit_extra = {"deleted_rows": counts}
        patient.delete()
        storage = selectors.ProgressPhoto._meta.get_field("image").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files if name])
    return counts
