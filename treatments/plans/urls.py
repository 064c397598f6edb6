from django.urls import path

from treatments.plans import views

app_name = "plans"

_PLAN = "patients/<int:pk>/plans/<int:plan_pk>/"

urlpatterns = [
    path(
        "patients/<int:pk>/assessments/<int:assessment_pk>/plan-options/",
        views.plan_options,
        name="plan-options",
    ),
    path(_PLAN, views.plan_detail, name="plan-detail"),
    path(f"{_PLAN}adjust/", views.plan_adjust, name="plan-adjust"),
    path(f"{_PLAN}status/", views.plan_status, name="plan-status"),
    path(f"{_PLAN}supersede/", views.plan_supersede, name="plan-supersede"),
    path(f"{_PLAN}quote/", views.plan_quote, name="plan-quote"),
    path(f"{_PLAN}quote.pdf", views.plan_quote_pdf, name="plan-quote-pdf"),
    path(f"{_PLAN}consent/", views.plan_consent, name="plan-consent"),
    path(f"{_PLAN}consent/done/", views.plan_consent_done, name="plan-consent-done"),
    path(f"{_PLAN}consent-link/", views.plan_consent_link, name="plan-consent-link"),
    # The patient's side of a signing link (no login; the token is the key)
    path("consent/<str:token>/", views.consent_by_link, name="consent-link"),
]
