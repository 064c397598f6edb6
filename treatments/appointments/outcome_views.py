"""Marking an outcome warning reviewed (a POST; who and when stay on the row)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clinic.permissions import staff_permission_required
from treatments.appointments import outcomes
from treatments.appointments.models import OutcomeWarning


@require_POST
@staff_permission_required(outcomes.REVIEW)
def outcome_warning_review(request, pk: int):
    warning = get_object_or_404(OutcomeWarning.objects.select_related("plan", "area"), pk=pk)
    outcomes.outcome_warning_review(warning=warning, by=request.user)
    messages.success(
        request, f"{warning.get_kind_display()} ({warning.area.name}) marked reviewed."
    )
    target = request.POST.get("next", "")
    # Only a path of this site: `redirect()` would read any other word as a view's name.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("consultations:patient-detail", args=[warning.plan.patient_id])
    return HttpResponseRedirect(target)
