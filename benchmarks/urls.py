"""The app's URLs, plus the two baselines each page is compared with in the same run: an
empty login-required view (the floor: session, user, middleware) and a generic Django admin
changelist over the same patients (what a clinic would get for free)."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from clinic import urls as clinic_urls
from consultations.models import Patient


@login_required
def empty(request):
    return HttpResponse("ok", content_type="text/plain")


class BenchAdminSite(admin.AdminSite):
    site_header = "Benchmark baseline"


class PatientAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "date_of_birth", "email", "phone")
    search_fields = ("last_name", "first_name", "email")
    list_per_page = 25


site = BenchAdminSite(name="bench-admin")
site.register(Patient, PatientAdmin)

urlpatterns = [
    path("bench/empty/", empty),
    path("bench/admin/", site.urls),
    *clinic_urls.urlpatterns,
]
handler403 = clinic_urls.handler403
handler404 = clinic_urls.handler404
