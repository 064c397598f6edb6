from django.urls import path

from treatments import plan_views, views

app_name = "treatments"

_PLAN = "patients/<int:pk>/plans/<int:plan_pk>/"

urlpatterns = [
    path("catalog/", views.catalog, name="catalog"),
    # Plans (issue 5)
    path(
        "patients/<int:pk>/assessments/<int:assessment_pk>/plan-options/",
        plan_views.plan_options,
        name="plan-options",
    ),
    path(_PLAN, plan_views.plan_detail, name="plan-detail"),
    path(f"{_PLAN}adjust/", plan_views.plan_adjust, name="plan-adjust"),
    path(f"{_PLAN}status/", plan_views.plan_status, name="plan-status"),
    path(f"{_PLAN}supersede/", plan_views.plan_supersede, name="plan-supersede"),
    path(f"{_PLAN}quote/", plan_views.plan_quote, name="plan-quote"),
    path(f"{_PLAN}quote.pdf", plan_views.plan_quote_pdf, name="plan-quote-pdf"),
    path(f"{_PLAN}consent/", plan_views.plan_consent, name="plan-consent"),
    path(f"{_PLAN}consent-link/", plan_views.plan_consent_link, name="plan-consent-link"),
    # The patient's side of a signing link (no login; the token is the key)
    path("consent/<str:token>/", plan_views.consent_by_link, name="consent-link"),
]

# Sessions (issue 6): booking, calendars, records, progress, iCal.
from treatments.urls_sessions import urlpatterns as session_urlpatterns  # noqa: E402

urlpatterns += session_urlpatterns
