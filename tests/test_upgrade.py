"""Upgrading a real database from the last release before the app split keeps everything.

The code of the commit before `treatments/` became engine/catalog/plans/appointments migrates
and fills a PostgreSQL database (demo data, a booked course, a recorded session, an admin
log entry); today's code then migrates it. Every row of every table must still be there,
byte for byte at the split (and kept by every later migration), the role grants must name the same permissions, every constraint and index
must survive, and the content types must follow the moved models. The new migrations must
also reverse cleanly to the old state and apply again.

PostgreSQL only (CI runs it there); it needs git history, so it runs from a clone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import uuid
from io import BytesIO
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PRE_SPLIT_COMMIT = "3003c6373fdb3565b87405f0a5ec6e539c1d9f09"
# Columns a later migration renamed (their values must be kept under the new name).
RENAMED = {("treatments_plan", "notes"): "internal_notes"}  # plans/0003: private notes
OLD_LEAVES = [("treatments", "0007"), ("consultations", "0005"), ("clinic", "0002")]
MOVED_TABLES = [
    "treatments_plan",
    "treatments_plansession",
    "treatments_planlineitem",
    "treatments_planstatuschange",
    "consultations_consenttext",
    "consultations_planconsent",
    "consultations_consentlink",
    "treatments_openinghours",
    "treatments_room",
    "treatments_device",
    "treatments_device_treatments",
    "treatments_providerprofile",
    "treatments_providerprofile_treatments",
    "treatments_providerhours",
    "treatments_appointment",
    "treatments_appointmentevent",
    "treatments_treatedarea",
    "treatments_progressphoto",
]

# Runs inside the old code base: book Hannah's course, record its first session, log an edit.
OLD_ACTIVITY = """
from datetime import timedelta
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.contrib.auth import get_user_model
from treatments.models import Plan, PlanSession
from treatments import services_scheduling as s
plan = Plan.objects.get(patient__first_name="Hannah")
desk = get_user_model().objects.get(username="frontdesk")
booked = s.appointment_book_course(plan=plan, by=desk)
assert booked, "the old code booked nothing"
LogEntry.objects.log_action(
    user_id=desk.pk, content_type_id=ContentType.objects.get_for_model(Plan).pk,
    object_id=plan.pk, object_repr=str(plan), action_flag=CHANGE, change_message="upgrade test",
)
print("booked", len(booked))
"""

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="The upgrade is proven on PostgreSQL, the production database (CI runs it).",
)


def _dsn(name: str) -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or "",
        "dbname": name,
    }


def _url(name: str) -> str:
    d = _dsn(name)
    auth = d["user"] + (f":{d['password']}" if d["password"] else "")
    return f"postgres://{auth}@{d['host']}:{d['port']}/{name}"


def _admin(sql: str) -> None:
    conn = psycopg2.connect(**_dsn("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def _manage(code_dir: Path, db: str, *args: str, stdin: str | None = None) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": _url(db),
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "PYTHONPATH": str(code_dir),
    }
    env.pop("CI", None)  # the old code is run as `make run` runs it
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=code_dir,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def _snapshot(db: str, columns: dict[str, list[str]] | None = None) -> dict:
    """Each table's rows as text over `columns` (the columns a table had before the upgrade:
    later migrations may add columns, never change old values)."""
    conn = psycopg2.connect(**_dsn(db))
    snap: dict = {"tables": {}, "columns": {}, "constraints": set(), "indexes": set()}
    with conn.cursor() as cur:
        cur.execute(
            "SELECT table_name, array_agg(column_name::text ORDER BY column_name) "
            "FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name NOT IN ('django_migrations', 'django_content_type', 'django_session') "
            "GROUP BY table_name"
        )
        snap["columns"] = dict(cur.fetchall())
        for table, names in (columns or snap["columns"]).items():
            present = set(snap["columns"].get(table, ()))
            row = ", ".join(
                f't."{name if name in present else RENAMED.get((table, name), name)}"'
                for name in names
            )
            cur.execute(f'SELECT ROW({row})::text FROM "{table}" t')
            snap["tables"][table] = sorted(r[0] for r in cur.fetchall())
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace"
        )
        snap["constraints"] = set(cur.fetchall())
        cur.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        )
        snap["indexes"] = set(cur.fetchall())
        cur.execute(
            "SELECT g.name, p.codename FROM auth_group g JOIN auth_group_permissions gp "
            "ON gp.group_id = g.id JOIN auth_permission p ON p.id = gp.permission_id"
        )
        snap["grants"] = set(cur.fetchall())
        cur.execute("SELECT app_label, model FROM django_content_type")
        snap["content_types"] = set(cur.fetchall())
        cur.execute(
            "SELECT ct.app_label, ct.model FROM django_admin_log l "
            "JOIN django_content_type ct ON ct.id = l.content_type_id"
        )
        snap["log_types"] = set(cur.fetchall())
    conn.close()
    return snap


@pytest.fixture
def old_code() -> Path:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", PRE_SPLIT_COMMIT],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        message = f"git history with {PRE_SPLIT_COMMIT[:7]} is needed: {archive.stderr!r}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


@pytest.fixture
def upgrade_db() -> str:
    name = f"contour_upgrade_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    yield name
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_database_from_before_the_split_upgrades_with_nothing_lost(old_code, upgrade_db):
    _manage(old_code, upgrade_db, "migrate", "--noinput")
    _manage(old_code, upgrade_db, "seed_demo")
    assert "booked" in _manage(old_code, upgrade_db, "shell", stdin=OLD_ACTIVITY)
    before = _snapshot(upgrade_db)
    assert all(before["tables"][t] for t in ("treatments_plan", "treatments_appointment"))
    assert ("treatments", "plan") in before["log_types"]

    # The split itself (plans/0001, appointments/0001 and what they need) changes nothing:
    # every row of every table byte for byte, constraints, indexes and grants by name.
    _manage(ROOT, upgrade_db, "migrate", "appointments", "0001", "--noinput")
    split = _snapshot(upgrade_db, before["columns"])
    assert split["tables"] == before["tables"]
    for table in MOVED_TABLES:
        assert table in split["tables"]
    assert split["constraints"] == before["constraints"]
    assert split["indexes"] == before["indexes"]
    assert split["grants"] == before["grants"]
    # The content types followed the models: permissions and admin history now name the new apps.
    assert ("plans", "plan") in split["content_types"]
    assert ("plans", "planconsent") in split["content_types"]
    assert ("appointments", "appointment") in split["content_types"]
    assert ("treatments", "plan") not in split["content_types"]
    assert ("consultations", "consenttext") not in split["content_types"]
    assert split["log_types"] == {("plans", "plan")}

    # Today's later migrations add (columns, rows such as holidays, grants) and lose nothing.
    _manage(ROOT, upgrade_db, "migrate", "--noinput")
    after = _snapshot(upgrade_db, before["columns"])
    _assert_kept(before, after)
    assert after["log_types"] == {("plans", "plan")}

    # Every migration since reverses to the old state, rows intact, and applies again.
    for app, target in [("appointments", "zero"), ("plans", "zero"), *OLD_LEAVES]:
        _manage(ROOT, upgrade_db, "migrate", app, target, "--noinput")
    reversed_ = _snapshot(upgrade_db, before["columns"])
    _assert_kept(before, reversed_)
    assert ("treatments", "plan") in reversed_["content_types"]
    assert ("consultations", "planconsent") in reversed_["content_types"]
    assert reversed_["log_types"] == {("treatments", "plan")}
    _manage(ROOT, upgrade_db, "migrate", "--noinput")
    again = _snapshot(upgrade_db, before["columns"])
    _assert_kept(before, again)
    assert again["log_types"] == {("plans", "plan")}


def _assert_kept(before: dict, now: dict) -> None:
    """Every row, constraint, index and grant of `before` is still there (more may be)."""
    for table, rows in before["tables"].items():
        if table.startswith("auth_permission") or table == "auth_group_permissions":
            continue  # post_migrate may add permissions; the grants are checked by name
        assert set(rows) <= set(now["tables"][table]), table
        assert len(now["tables"][table]) >= len(rows), table
    for table, names in before["columns"].items():
        for name in names:
            assert {name, RENAMED.get((table, name))} & set(now["columns"][table]), (table, name)
    assert before["constraints"] <= now["constraints"]
    assert before["indexes"] <= now["indexes"]
    assert before["grants"] <= now["grants"]
