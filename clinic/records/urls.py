from django.urls import path

from clinic.records import views

app_name = "records"

urlpatterns = [
    path("patients/<int:pk>/record.json", views.export_json, name="export-json"),
    path("patients/<int:pk>/record.pdf", views.export_pdf, name="export-pdf"),
    path("patients/<int:pk>/delete/", views.delete, name="delete"),
]
