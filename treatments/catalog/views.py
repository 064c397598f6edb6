from django.shortcuts import render
from django.utils import timezone

from clinic.permissions import staff_permission_required
from treatments.catalog.models import WEEKDAYS
from treatments.catalog.selectors import catalog_settings_get, closures_upcoming, treatment_list


@staff_permission_required("treatments.view_treatment")
def catalog(request):
    settings = catalog_settings_get()
    closed = set(settings.weekdays_closed())
    return render(
        request,
        "catalog/catalog.html",
        {
            "treatments": treatment_list(),
            "settings": settings,
            "closed_weekdays": [name for number, name in WEEKDAYS if number in closed],
            "closures": closures_upcoming(since=timezone.localdate()),
            "can_edit": request.user.has_perm("treatments.change_treatment"),
        },
    )
