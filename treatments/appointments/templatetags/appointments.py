"""Session panels other pages can include: today's list on the dashboard."""

from django import template
from django.utils import timezone

from treatments.appointments import panels
from treatments.appointments import selectors as sel

register = template.Library()

# A clinic chain has hundreds of sessions a day: the dashboard lists the first ones and links
# to the day's calendar for the rest.
TODAY_LIMIT = 25


@register.inclusion_tag("appointments/_today_panel.html", takes_context=True)
def todays_sessions(context):
    user = context["request"].user
    if not user.has_perm(sel.VIEW):
        return {"show": False}
    rows = sel.appointments_today(user=user, today=timezone.localdate(), limit=TODAY_LIMIT + 1)
    return {"show": True, "appointments": rows[:TODAY_LIMIT], "more": len(rows) > TODAY_LIMIT}


@register.inclusion_tag("appointments/panels/progress.html", takes_context=True)
def patient_progress(context, patient):
    """The patient page's progress panel on its own (the patient page itself shows it as a
    registered panel: treatments.appointments.panels)."""
    request = context["request"]
    if not request.user.has_perm(sel.VIEW):
        return {}
    return panels.load_progress(request, patient)
