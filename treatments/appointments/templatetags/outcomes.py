"""The dashboard's outcome warnings (a small include: `{% load outcomes %}{% outcome_warnings %}`)."""

from django import template

from treatments.appointments import outcomes

register = template.Library()

SHOWN = 10


@register.inclusion_tag("appointments/_dashboard_outcome_warnings.html", takes_context=True)
def outcome_warnings(context) -> dict:
    """Open warnings, newest first, for a user who may review them (2 queries: the rows and
    the total beyond the first ten only when there are ten)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(outcomes.REVIEW):
        return {"show": False}
    rows = outcomes.open_warnings(limit=SHOWN)
    more = 0
    if len(rows) == SHOWN:
        more = outcomes.OutcomeWarning.objects.filter(reviewed_at__isnull=True).count() - SHOWN
    return {
        "show": bool(rows),
        "warnings": rows,
        "more": more,
        "can_review": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
