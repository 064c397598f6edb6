"""Settings come from the environment; production mistakes stop the app with one clear line."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Variables the test run itself sets, which a real deployment would not have.
SCRUBBED = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "clinic.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_python("import django; django.setup()")
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if line]
    assert len(lines) == 1, result.stderr
    assert "set SECRET_KEY" in lines[0]


def test_it_starts_without_secret_key_in_debug():
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_debug_is_off_unless_asked_for():
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="x" * 60,
        DEBUG="no",
    )
    assert result.stdout.strip() == "False"


def test_database_url_selects_postgresql():
    result = run_python(
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'])",
        DEBUG="1",
        DATABASE_URL="postgres://contour@db.internal:5432/contour",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "contour", "db.internal"]


def test_sqlite_is_the_default_database():
    result = run_python(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'])",
        DEBUG="1",
    )
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_clinic_settings_come_from_the_environment():
    result = run_python(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CLINIC_NAME, settings.CLINIC_CURRENCY, settings.TIME_ZONE, settings.ALLOWED_HOSTS, sep='|')",
        DEBUG="1",
        CLINIC_NAME="Harbor Body Clinic",
        CLINIC_CURRENCY="CAD",
        TIME_ZONE="America/Toronto",
        ALLOWED_HOSTS="clinic.example.com, www.clinic.example.com",
    )
    assert result.stdout.strip() == (
        "Harbor Body Clinic|CAD|America/Toronto|['clinic.example.com', 'www.clinic.example.com']"
    )


def test_deploy_check_passes_with_production_variables():
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(
        SECRET_KEY="k8#v1q-Zp2!rT7wXc3@Lm9$Hs4^Nb6&Jd0*Gf5(Ya8)Ue1_Oi3+Kq7=Wt2",
        ALLOWED_HOSTS="clinic.example.com",
        DJANGO_SETTINGS_MODULE="clinic.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_turns_every_sign_in_safeguard_on():
    """What `check --deploy` cannot see: the issue-11 safeguards in the production settings."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'mw': s.MIDDLEWARE, 'hashers': s.PASSWORD_HASHERS, "
        "'backends': s.AUTHENTICATION_BACKENDS, 'roles': s.STAFF_2FA_REQUIRED_ROLES, "
        "'limit': s.AXES_FAILURE_LIMIT, 'cooloff': s.AXES_COOLOFF_TIME.total_seconds(), "
        "'idle': s.SESSION_IDLE_TIMEOUT, 'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES']}))"
    )
    result = run_python(code, SECRET_KEY="x" * 60, ALLOWED_HOSTS="clinic.example.com")
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    mw = conf["mw"]
    assert mw[:3] == [
        "django.middleware.security.SecurityMiddleware",
        "csp.middleware.CSPMiddleware",
        "clinic.middleware.SecurityHeadersMiddleware",
    ]
    auth = mw.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert mw[auth + 1] == "django_otp.middleware.OTPMiddleware"
    assert mw.index("clinic.middleware.IdleSessionMiddleware") < mw.index(
        "clinic.middleware.StaffTwoFactorMiddleware"
    )
    assert mw[-1] == "axes.middleware.AxesMiddleware"
    assert conf["backends"][0] == "axes.backends.AxesStandaloneBackend"
    assert conf["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert conf["roles"] == ["Clinic admin", "Provider"]
    assert (conf["limit"], conf["cooloff"], conf["idle"]) == (5, 15 * 60, 30 * 60)
    for directive in ("script-src", "style-src", "default-src"):
        assert conf["csp"][directive] == ["'self'"]


def test_the_safeguards_limits_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), "
        "s.SESSION_IDLE_TIMEOUT, s.SESSION_IDLE_WARNING, s.TRUSTED_PROXY_COUNT)"
    )
    result = run_python(
        code,
        SECRET_KEY="x" * 60,
        AXES_FAILURE_LIMIT="8",
        AXES_COOLOFF_MINUTES="60",
        SESSION_IDLE_TIMEOUT_MINUTES="10",
        SESSION_IDLE_WARNING_SECONDS="90",
        TRUSTED_PROXY_COUNT="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-5:] == ["8", "3600", "600", "90", "1"]


def test_production_refuses_to_start_with_an_email_backend_that_prints():
    result = run_python(
        "import django; django.setup()",
        SECRET_KEY="x" * 60,
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if line]
    assert len(lines) == 1, result.stderr
    assert "EMAIL_BACKEND writes emails" in lines[0]


def test_production_sends_email_by_smtp_and_development_prints_it():
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
    production = run_python(code, SECRET_KEY="x" * 60)
    development = run_python(code, DEBUG="1")
    assert production.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"
    assert development.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


def test_the_deploy_check_refuses_a_printing_email_backend(settings):
    from clinic.checks import email_backend_does_not_print

    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert [e.id for e in email_backend_does_not_print(None)] == ["clinic.E001"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert email_backend_does_not_print(None) == []
