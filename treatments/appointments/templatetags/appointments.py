"""Session panels other pages can include: today's list on the dashboard."""

from django import template
from django.utils import timezone

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


@register.inclusion_tag("appointments/_patient_progress.html", takes_context=True)
def patient_progress(context, patient):
    """The patient page's progress: per plan with sessions, the thickness chart and the
    before/after photos (photos for roles that may see them). One line to add to the
    patient page: {% load sessions %}{% patient_progress patient %}"""
    from django.utils.safestring import mark_safe

    from treatments.appointments import charts

    user = context["request"].user
    if not user.has_perm(sel.VIEW):
        return {"show": False}
    with_photos = user.has_perm(sel.VIEW_PHOTOS)
    items = []
    for plan in sel.patient_plans_with_sessions(patient=patient):
        progress = sel.plan_progress(plan=plan, with_photos=with_photos)
        series = {
            name: [charts.ChartPoint(p.label, p.value) for p in points]
            for name, points in progress.series.items()
        }
        svg = charts.progress_svg(series)
        items.append(
            {
                "plan": plan,
                "progress": progress,
                "chart": mark_safe(svg),  # noqa: S308 - charts.progress_svg escapes every label
                "booked": plan.sessions.filter(appointments__isnull=False).exists(),
            }
        )
    return {
        "show": True,
        "items": items,
        "with_photos": with_photos,
        "can_book": user.has_perm(sel.BOOK),
    }
