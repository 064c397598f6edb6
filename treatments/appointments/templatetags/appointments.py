"""Session panels other pages can include: today's list on the dashboard."""

from django import template
from django.utils import timezone

from treatments.appointments import panels
from treatments.appointments import selectors as sel

register = template.Library()


@register.inclusion_tag("appointments/_today_panel.html", takes_context=True)
def todays_sessions(context):
    user = context["request"].user
    if not user.has_perm(sel.VIEW):
        return {"show": False}
    return {
        "show": True,
        "appointments": sel.appointments_today(user=user, today=timezone.localdate()),
    }


@register.inclusion_tag("appointments/panels/progress.html", takes_context=True)
def patient_progress(context, patient):
    """The patient page's progress panel on its own (the patient page itself shows it as a
    registered panel: treatments.appointments.panels)."""
    request = context["request"]
    if not request.user.has_perm(sel.VIEW):
        return {}
    return panels.load_progress(request, patient)
