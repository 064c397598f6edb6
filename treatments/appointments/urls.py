from django.urls import path

from treatments.appointments import outcome_views, views

app_name = "appointments"

urlpatterns = [
    path("sessions/to-book/", views.plans_to_book, name="plans-to-book"),
    path("sessions/calendar/", views.calendar, name="calendar"),
    path("sessions/plans/<int:pk>/", views.plan_sessions, name="plan-sessions"),
    path("sessions/plans/<int:pk>/book/", views.plan_book, name="plan-book"),
    path("sessions/plan-sessions/<int:pk>/book/", views.session_book, name="session-book"),
    path("sessions/<int:pk>/", views.appointment_detail, name="appointment-detail"),
    path("sessions/<int:pk>/move/", views.appointment_reschedule, name="appointment-reschedule"),
    path("sessions/<int:pk>/cancel/", views.appointment_cancel, name="appointment-cancel"),
    path("sessions/<int:pk>/record/", views.appointment_record, name="appointment-record"),
    path("sessions/<int:pk>/session.ics", views.appointment_ics, name="appointment-ics"),
    path("sessions/photos/<int:pk>/", views.photo_view, name="photo"),
    path(
        "sessions/outcome-warnings/<int:pk>/review/",
        outcome_views.outcome_warning_review,
        name="outcome-warning-review",
    ),
    path("sessions/feed/<str:token>.ics", views.provider_feed, name="provider-feed"),
]
