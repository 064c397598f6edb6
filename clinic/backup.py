"""Backup and restore: the database and the uploaded files in one dated archive.

The archive is a gzipped tar holding `manifest.json`, the database (`database.dump`, made by
pg_dump in its custom format, on PostgreSQL; `database.sqlite3`, a consistent copy made with
SQLite's backup API, on SQLite) and `media/`, every uploaded file (progress photos).
`manage.py backup` writes one; `manage.py restore ARCHIVE` puts a database and the files
back exactly as they were (see the README).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT_VERSION = 1
PG_DUMP_NAME = "database.dump"
SQLITE_NAME = "database.sqlite3"
MEDIA_DIR = "media"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Database:
    vendor: str
    name: str
    host: str
    port: str
    user: str
    password: str

    @classmethod
    def default(cls) -> Database:
        connection = connections["default"]
        s = connection.settings_dict
        return cls(
            connection.vendor,
            str(s["NAME"]),
            str(s.get("HOST") or ""),
            str(s.get("PORT") or ""),
            str(s.get("USER") or ""),
            str(s.get("PASSWORD") or ""),
        )

    def pg_args(self) -> list[str]:
        args = []
        for flag, value in (("-h", self.host), ("-p", self.port), ("-U", self.user)):
            if value:
                args += [flag, value]
        return args

    def pg_env(self) -> dict[str, str]:
        # The password goes in the environment, never on a command line others can list.
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed (apt-get install postgresql-client)."
        ) from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()}") from exc


def _dump_database(db: Database, folder: Path) -> str:
    if db.vendor == "postgresql":
        target = folder / PG_DUMP_NAME
        _run(
            [
                "pg_dump",
                *db.pg_args(),
                "-Fc",
                "--no-owner",
                "--no-privileges",
                "-f",
                str(target),
                db.name,
            ],
            db.pg_env(),
        )
        return PG_DUMP_NAME
    if db.vendor == "sqlite":
        connections["default"].close()
        source = sqlite3.connect(db.name)
        copy = sqlite3.connect(folder / SQLITE_NAME)
        try:
            source.backup(copy)  # consistent even while the app is writing
        finally:
            copy.close()
            source.close()
        return SQLITE_NAME
    raise BackupError(f"Backups of a {db.vendor} database are not supported.")


def backup(output_dir: Path) -> Path:
    """Write the archive into `output_dir`; returns its path."""
    db = Database.default()
    output_dir.mkdir(parents=True, exist_ok=True)
    # A sortable UTC stamp for the file name (20270104T020000Z), not a time shown to people.
    stamp = timezone.now().isoformat(timespec="seconds")[:19].replace("-", "").replace(":", "")
    archive = output_dir / f"contour-backup-{stamp}Z.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database_file = _dump_database(db, folder)
        files = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        )
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": db.vendor, "file": database_file},
            "media_files": len(files),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / "manifest.json", arcname="manifest.json")
            tar.add(folder / database_file, arcname=database_file)
            for path in files:
                tar.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}")
        partial.rename(archive)  # never a half-written archive under the final name
    archive.chmod(0o600)  # it holds every patient's record
    return archive


def _create_pg_database(db: Database) -> None:
    """The database the archive goes into, created when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    params = {"dbname": "postgres", "host": db.host or None, "port": db.port or None}
    params.update(user=db.user or None, password=db.password or None)
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db.name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db.name)))
    finally:
        conn.close()


def _restore_database(db: Database, folder: Path, manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != db.vendor:
        raise BackupError(f"The archive holds a {vendor} database; this site uses {db.vendor}.")
    connections["default"].close()
    if db.vendor == "postgresql":
        _create_pg_database(db)
        _run(
            [
                "pg_restore",
                *db.pg_args(),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "-d",
                db.name,
                str(folder / PG_DUMP_NAME),
            ],
            db.pg_env(),
        )
    else:
        target = Path(db.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / SQLITE_NAME, target)


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{archive} is not a Contour backup: {exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{archive} has an unknown format ({manifest.get('format')}).")
    return manifest


def restore(archive: Path) -> dict:
    """Replace the database and the uploaded files with the archive's; returns its manifest."""
    manifest = read_manifest(archive)
    db = Database.default()
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links out and device files.
            tar.extractall(folder, filter="data")
        _restore_database(db, folder, manifest)
        if media_root.exists():
            shutil.rmtree(media_root)
        extracted = folder / MEDIA_DIR
        if extracted.is_dir():
            shutil.copytree(extracted, media_root)
        else:
            media_root.mkdir(parents=True, exist_ok=True)
    return manifest
