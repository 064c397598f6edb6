"""Backup and restore, end to end through `manage.py` in child processes: a site with a
patient's record and a photo is backed up, its database dropped and its files deleted, then
restored — and gives back the same rows and a readable photo.

The proof runs against a database of its own (never pytest's test database): on PostgreSQL
one named after DATABASE_URL's (`<name>_backup_proof`), created and dropped here; on SQLite a
file in a temporary folder, so the SQLite path is proven on every run as well."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parent.parent
# The rows that make a record, in a stable order (dumpdata sorts by primary key).
APPS = ["consultations", "treatments", "plans", "appointments", "clinic", "auditlog", "auth.user"]

SEED = """
from django.contrib.auth import get_user_model
from clinic.roles import PROVIDER, sync_roles
from tests.records import make_record
sync_roles()
provider = get_user_model().objects.create_user("priya", password="pw")
record = make_record(provider)
print(record.photo.pk)
"""

CHECK_PHOTO = """
from PIL import Image
from treatments.appointments.models import ProgressPhoto
photo = ProgressPhoto.objects.get(pk={pk})
with photo.image.open("rb") as handle:
    image = Image.open(handle)
    image.load()
print(image.size)
"""


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-3000:]}"
    return result.stdout


def site_env(database_url: str, tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="clinic.settings_test",
        MEDIA_ROOT=str(tmp_path / "media"),
        BACKUP_DIR=str(tmp_path / "backups"),
        DATABASE_CONN_MAX_AGE="0",
    )
    return env


def prove_backup_and_restore(env: dict, drop_database, tmp_path: Path) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    photo_pk = int(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
    before = manage(env, "dumpdata", *APPS, "--indent", "1")
    assert '"last_name": "Marlowe"' in before and '"lot_numbers": "LOT-Q7731"' in before

    archive = Path(manage(env, "backup").strip().splitlines()[-1])
    assert archive.parent == tmp_path / "backups" and archive.name.startswith("contour-backup-")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert any(n.startswith("media/progress/") for n in names)

    drop_database()
    for photo in (tmp_path / "media").rglob("*.png"):
        photo.unlink()
    assert not list((tmp_path / "media").rglob("*.png"))

    # No answer, no restore: the command asks first.
    refused = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=env,
        input="no\n",
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "Nothing restored" in refused.stderr

    assert "Restored the backup" in manage(env, "restore", str(archive), "--yes")
    after = manage(env, "dumpdata", *APPS, "--indent", "1")
    assert after == before
    checked = manage(env, "shell", "-c", CHECK_PHOTO.format(pk=photo_pk))
    assert checked.strip().splitlines()[-1] == "(30, 40)"


def test_backup_drop_restore_on_sqlite(tmp_path):
    database = tmp_path / "site.sqlite3"
    env = site_env(f"sqlite:///{database}", tmp_path)
    prove_backup_and_restore(env, database.unlink, tmp_path)


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.mark.skipif(
    _postgres_url() is None,
    reason="pg_dump/pg_restore need PostgreSQL: set DATABASE_URL to a postgres:// URL "
    "(CI does) to prove the PostgreSQL backup; the SQLite proof above ran instead.",
)
def test_backup_drop_restore_on_postgresql(tmp_path):
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(_postgres_url())
    proof = f"{config['NAME']}_backup_proof"
    assert proof != django_settings.DATABASES["default"]["NAME"]
    params = {
        "dbname": "postgres",
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }

    def run_sql(statement) -> None:
        conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(statement)
        finally:
            conn.close()

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(proof))
    run_sql(drop)
    run_sql(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(proof)))
    user = (
        f"{config['USER']}:{config['PASSWORD']}@"
        if config.get("PASSWORD")
        else (f"{config['USER']}@" if config.get("USER") else "")
    )
    host = config.get("HOST") or "localhost"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    env = site_env(f"postgres://{user}{host}{port}/{proof}", tmp_path)
    try:
        prove_backup_and_restore(env, lambda: run_sql(drop), tmp_path)
    finally:
        run_sql(drop)
