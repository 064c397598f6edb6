"""Contour settings, read from the environment.

Development defaults are safe: DEBUG is off unless asked for, SQLite is used when
DATABASE_URL is unset, and without DEBUG the app refuses to start with no SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        # One clear line instead of a traceback: this is an operator's mistake, not a bug.
        raise SystemExit(
            "Contour will not start: set SECRET_KEY (a long random string), or DEBUG=1 for development."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

CLINIC_NAME = env("CLINIC_NAME", "Contour Clinic")
CLINIC_CURRENCY = env("CLINIC_CURRENCY", "USD")
# Printed on quotes (empty lines are left out).
CLINIC_ADDRESS = env("CLINIC_ADDRESS", "")
CLINIC_PHONE = env("CLINIC_PHONE", "")
CLINIC_EMAIL = env("CLINIC_EMAIL", "")
# The units the intake asks height and weight in: "us" (feet/inches, pounds) or "metric".
CLINIC_UNITS = env("CLINIC_UNITS", "us")
# Whose public holidays become closed days (ISO 3166 codes, as the `holidays` package reads
# them): seeded by the catalog's migration 0010 and by `manage.py seed_holidays`.
CLINIC_COUNTRY = env("CLINIC_COUNTRY", "US").strip().upper()
CLINIC_SUBDIVISION = env("CLINIC_SUBDIVISION", "").strip().upper()
CLINIC_HOLIDAYS_ON_MIGRATE = envbool("CLINIC_HOLIDAYS_ON_MIGRATE", True)

INSTALLED_APPS = [
    "clinic.admin_site.ContourAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "ninja",
    "phonenumber_field",
    # Contour's apps in journey order (each may import only the ones above it).
    "treatments.catalog",
    "consultations",
    "treatments.plans",
    "treatments.appointments",
    "treatments.reports",
    # Last, so that its post_migrate role sync runs after every app's permissions exist.
    "clinic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads the body or a parameter (CSRF's check runs later, in
    # process_view); after authentication, so its refusal pages show the staff layout.
    "clinic.edge.RequestEdgeMiddleware",
    "clinic.middleware.TabletHandbackMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "clinic.urls"

# Covering indexes (INCLUDE columns) are a PostgreSQL speed-up; SQLite, the embedded default,
# builds the same index without them, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

WSGI_APPLICATION = "clinic.wsgi.application"
ASGI_APPLICATION = "clinic.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True
# Django always localizes, so a TIME_FORMAT setting alone is ignored: the clinic's one date and
# clock format lives in a format module (clinic/formats/en/formats.py), used by |date, |time,
# the admin and clinic.formats.display.
FORMAT_MODULE_PATH = ["clinic.formats"]
# The same formats when no language is active (commands run with translations off).
from clinic.formats.en.formats import (  # noqa: E402, F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

PHONENUMBER_DEFAULT_REGION = env("PHONENUMBER_DEFAULT_REGION", "US")

# How long a new intake link stays open (front desk can pick another length per link).
INTAKE_LINK_DAYS = envint("INTAKE_LINK_DAYS", 14)

# The console backend writes every email — password-reset links, patients' intake and
# consent links — into the server's log: development only. Production sends by SMTP and
# refuses to start with a backend that prints (see clinic.checks for the deploy check).
PRINTING_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }
)
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
if EMAIL_BACKEND in PRINTING_EMAIL_BACKENDS and not DEBUG:
    raise SystemExit(
        "Contour will not start: EMAIL_BACKEND writes emails (with their private links) into "
        "the log. Use SMTP in production, or DEBUG=1 for development."
    )
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
# Sessions: reminder emails this many hours ahead (send_session_emails, run every few minutes).
SESSION_REMINDER_HOURS = envint("SESSION_REMINDER_HOURS", 24)
SESSION_PHOTO_MAX_MB = envint("SESSION_PHOTO_MAX_MB", 10)
PROGRESS_PHOTO_MAX_BYTES = SESSION_PHOTO_MAX_MB * 1024 * 1024
# The largest request body accepted at all (two photos and the record's fields), refused from
# its Content-Length before it is read (clinic.edge).
MAX_REQUEST_BODY_BYTES = envint("MAX_REQUEST_BODY_MB", 2 * SESSION_PHOTO_MAX_MB + 2) * 1024 * 1024
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{CLINIC_NAME} <no-reply@localhost>")

# Security. Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Audit trail (issue 11: audit, patient rights, backup) -----------------------------------
# django-auditlog records who created, changed, deleted or opened what; clinic.audit registers
# the models and the reads. Kept in one block so the other security settings merge beside it.
# Before "clinic": its role sync after migrate gives Clinic admins auditlog's view permission.
INSTALLED_APPS.insert(INSTALLED_APPS.index("clinic"), "auditlog")
# After AuthenticationMiddleware: the actor is the signed-in user (API token calls set it in
# clinic.apikit), the address is the client's (X-Forwarded-For only behind the trusted proxy).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "clinic.audit.middleware.AuditMiddleware",
)
AUDIT_TRUST_X_FORWARDED_FOR = envbool("AUDIT_TRUST_X_FORWARDED_FOR")
AUDITLOG_STORE_JSON_CHANGES = True
AUDIT_PAGE_SIZE = envint("AUDIT_PAGE_SIZE", 50)
# Where `manage.py backup` writes its archives (and `restore` reads them from by default).
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "backups")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# === Security: sign-in and headers (issue 11, authentication half) ===========================
# Kept in one block so that other security settings (the audit trail) merge beside it.
from datetime import timedelta  # noqa: E402

from csp.constants import NONE, SELF  # noqa: E402

INSTALLED_APPS[INSTALLED_APPS.index("clinic") : INSTALLED_APPS.index("clinic")] = [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
]


def _after(existing: str, *added: str) -> None:
    at = MIDDLEWARE.index(existing) + 1
    MIDDLEWARE[at:at] = list(added)


# CSP on every response (also the error pages); our headers (Permissions-Policy, no-store).
_after("django.middleware.security.SecurityMiddleware", "csp.middleware.CSPMiddleware")
_after("csp.middleware.CSPMiddleware", "clinic.middleware.SecurityHeadersMiddleware")
# Who is verified (django-otp), idle sessions end, then unverified staff go to their 2nd step.
_after(
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django_otp.middleware.OTPMiddleware"
)
_after(
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.middleware.IdleSessionMiddleware",
    "clinic.middleware.StaffTwoFactorMiddleware",
)
# django-axes wants to be last: it turns a locked-out sign-in into the lockout page.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

# Argon2 first: new passwords are hashed with it and older hashes upgrade at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Login throttling (django-axes): a username from one address is locked after AXES_FAILURE_LIMIT
# failures for AXES_COOLOFF_MINUTES; a Clinic admin unlocks it in the admin (Access attempts).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed attempt gets its own row
AXES_LOCKOUT_CALLABLE = "clinic.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "clinic.security.client_ip"
# How many proxies in front of the app append to X-Forwarded-For (0: use the peer address).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

# Two-factor sign-in (django-otp) for these roles (superusers too, whenever the list is not
# empty). Off by default with DEBUG so that `make run`'s demo logins need no phone.
STAFF_2FA_REQUIRED_ROLES = envlist(
    "STAFF_2FA_REQUIRED_ROLES", "" if DEBUG else "Clinic admin,Provider"
)
OTP_TOTP_ISSUER = CLINIC_NAME
STAFF_2FA_BACKUP_CODES = 10

# A staff session ends after this long without a request; a warning shows before it does.
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT_MINUTES", 30) * 60
SESSION_IDLE_WARNING = envint("SESSION_IDLE_WARNING_SECONDS", 120)

# Strict Content-Security-Policy (django-csp): scripts and styles only from our static files.
# Images may be data: URLs (Bootstrap's icons in its CSS, a drawn signature).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Powerful browser features nobody needs here (the photo upload is a plain file input).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), "
    "browsing-topics=()"
)
# === end of the sign-in and headers block ===================================================
