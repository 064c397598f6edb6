"""Settings for the test suite: production-like (DEBUG off) but over plain HTTP."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from clinic.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
WHITENOISE_AUTOREFRESH = True
# Tests choose their own closed days: a holiday calendar that moves with the clock would
# collide with their fixed dates. Tests of the holidays seed them explicitly.
CLINIC_HOLIDAYS_ON_MIGRATE = False

# Two-factor sign-in is off for the suite as a whole: hundreds of tests sign in with
# force_login / client_for / login_as and must not need a phone, and the extra device query on
# every request of a verified user would change their exact query counts. The 2FA tests turn it
# on with override_settings(STAFF_2FA_REQUIRED_ROLES=...), and tests/test_security_settings.py
# proves the production settings require it for Clinic admins and Providers.
STAFF_2FA_REQUIRED_ROLES: list[str] = []
