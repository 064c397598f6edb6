"""Contour's settings plus what the benchmark needs beside the app: an empty login-required
view, a generic Django admin changelist over the patients, and a per-response query count.
Never used outside `benchmarks/run.py`."""

from clinic.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
MIDDLEWARE = ["benchmarks.middleware.QueryCount", *MIDDLEWARE]  # noqa: F405

# The benchmark signs in with a password: pages are measured, not the second factor (a
# verified session costs one more query per request, for the device).
STAFF_2FA_REQUIRED_ROLES: list[str] = []
# Nothing is mailed from the pages measured; should anything be, it stays in memory.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
