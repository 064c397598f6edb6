"""`{% audit_history obj %}` on an audited object's page (Clinic admins only) and the
`audit_changes` filter that lists an entry's fields as "old → new"."""

from __future__ import annotations

from django import template

from clinic.audit import selectors

register = template.Library()


def _text(value) -> str:
    if value is None or value == "None":
        return "—"
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


@register.filter
def audit_changes(entry, brief: str = "") -> list[tuple[str, str]]:
    """[(field, "old → new")] for an update, [(field, value)] for a create (none when
    `brief`: an object's history panel lists what changed, not every first value)."""
    if brief and entry.action == entry.Action.CREATE:
        return []
    rows = []
    for field, change in (entry.changes_dict or {}).items():
        if isinstance(change, dict) and change.get("type") == "m2m":
            names = ", ".join(str(o) for o in change.get("objects", []))
            rows.append((field, f"{change.get('operation')}: {names}"))
        elif isinstance(change, list | tuple) and len(change) == 2:
            old, new = change
            rows.append(
                (field, _text(new) if old in (None, "None") else f"{_text(old)} → {_text(new)}")
            )
    return rows


@register.inclusion_tag("audit/_history.html", takes_context=True)
def audit_history(context, obj=None, patient=None):
    """The object's (or the patient's whole record's) latest entries, for Clinic admins."""
    request = context.get("request")
    if request is None or not request.user.has_perm(selectors.VIEW_AUDIT):
        return {"show": False}
    if patient is not None:
        entries = selectors.history_for_patient(patient.pk)
    else:
        entries = selectors.history_for(obj)
    return {"show": True, "entries": entries, "patient": patient}
