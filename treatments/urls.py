from django.urls import path

from treatments import views

app_name = "treatments"

urlpatterns = [
    path("catalog/", views.catalog, name="catalog"),
]

# Sessions (issue 6): booking, calendars, records, progress, iCal.
from treatments.urls_sessions import urlpatterns as session_urlpatterns  # noqa: E402

urlpatterns += session_urlpatterns
