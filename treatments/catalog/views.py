from django.shortcuts import render

from clinic.permissions import staff_permission_required
from treatments.catalog.models import WEEKDAYS, ClinicClosure
from treatments.catalog.selectors import catalog_settings_get, treatment_list


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
            "closures": ClinicClosure.objects.all()[:20],
            "can_edit": request.user.has_perm("treatments.change_treatment"),
        },
    )
