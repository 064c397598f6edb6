from django.urls import path

from consultations import assessment_views, intake_views, views

app_name = "consultations"

urlpatterns = [
    # Staff
    path("patients/", views.patient_list, name="patient-list"),
    path("patients/new/", views.patient_create, name="patient-create"),
    path("patients/<int:pk>/", views.patient_detail, name="patient-detail"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient-edit"),
    path("patients/<int:pk>/intake-links/", views.intake_link_create, name="intake-link-create"),
    path("patients/<int:pk>/intakes/<int:intake_pk>/", views.intake_detail, name="intake-detail"),
    path(
        "patients/<int:pk>/intakes/<int:intake_pk>/revoke/",
        views.intake_link_revoke,
        name="intake-link-revoke",
    ),
    path(
        "patients/<int:pk>/intakes/<int:intake_pk>/email/",
        views.intake_link_email,
        name="intake-link-email",
    ),
    path(
        "patients/<int:pk>/assessments/new/",
        assessment_views.assessment_create,
        name="assessment-create",
    ),
    path(
        "assessments/map-preview/",
        assessment_views.assessment_map_preview,
        name="assessment-map-preview",
    ),
    path(
        "patients/<int:pk>/assessments/<int:assessment_pk>/",
        assessment_views.assessment_detail,
        name="assessment-detail",
    ),
    # The patient's side (no login; the token is the key)
    path("intake/<str:token>/", intake_views.intake_start, name="intake-start"),
    path("intake/<str:token>/step/<int:number>/", intake_views.intake_step, name="intake-step"),
    path("intake/<str:token>/review/", intake_views.intake_review, name="intake-review"),
    path("intake/<str:token>/done/", intake_views.intake_done, name="intake-done"),
]
