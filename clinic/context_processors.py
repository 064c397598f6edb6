from django.conf import settings

from clinic.navigation import items_for
from clinic.roles import user_roles


def clinic(request):
    user = getattr(request, "user", None)
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_currency": settings.CLINIC_CURRENCY,
        "nav_links": items_for(user) if user is not None else [],
        "user_roles": user_roles(user) if user is not None else [],
    }
