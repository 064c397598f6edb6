from django.urls import path

from treatments.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/business/", views.business, name="business"),
    path("reports/utilisation/", views.utilisation, name="utilisation"),
    path("reports/outcomes/", views.outcomes, name="outcomes"),
]
