from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import two_factor, views
from clinic.api import api
from clinic.forms import StyledAuthenticationForm, StyledPasswordChangeForm

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=StyledAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", views.LogoutWithMessageView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(form_class=StyledPasswordChangeForm),
        name="password_change",
    ),
    path("accounts/two-factor/", two_factor.verify, name="two-factor-verify"),
    path("accounts/two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("accounts/session/", views.session_activity, name="session-activity"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("audit/", include("clinic.audit.urls")),
    path("", include("clinic.records.urls")),
    path("", include("consultations.urls")),
    path("", include("treatments.catalog.urls")),
    path("", include("treatments.plans.urls")),
    path("", include("treatments.appointments.urls")),
    path("", include("treatments.reports.urls")),
]

handler403 = "clinic.views.permission_denied"
handler404 = "clinic.views.page_not_found"
