"""`vigil backup FILE` and `vigil restore FILE`: the database and the data dir's keys.

A backup is one tar file holding
  manifest.json      what is inside, the database vendor, Vigil's migrations, the time
  database.sqlite3   an online copy by SQLite's backup API (readers and writers go on), or
  database.pgdump    pg_dump's custom format (a consistent snapshot; nothing is blocked)
  keys/...           the signing key and the snapshot pseudonymisation key

The keys are in it because a restore without them would change every pseudonym
and sign everyone out: a backup is as secret as the database itself.

Restore refuses to write over a database that holds any person, incident or user
unless told to (--replace), and writes the restore itself into the audit log.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1
# Key files kept in the data directory, by their path inside it.
KEY_FILES = ("secret_key", "snapshot-key")


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def _db():
    return connection.settings_dict


def _pg_env() -> tuple[list[str], dict]:
    db = _db()
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432),
            "-U", db.get("USER") or "postgres"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def backup(out: Path) -> dict:
    """Write a backup of the database and keys to `out`; returns its manifest."""
    from django.db.migrations.recorder import MigrationRecorder

    out = Path(out)
    vendor = connection.vendor
    manifest = {
        "format": FORMAT, "vendor": vendor, "at": timezone.now().isoformat(),
        "migrations": sorted(f"{a}.{n}" for a, n in
                             MigrationRecorder(connection).applied_migrations()),
        "keys": [],
    }
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None) as tmp:
        tmp = Path(tmp)
        if vendor == "sqlite":
            db_file = tmp / "database.sqlite3"
            connection.ensure_connection()
            dst = sqlite3.connect(str(db_file))
            try:
                connection.connection.backup(dst)
            finally:
                dst.close()
        elif vendor == "postgresql":
            db_file = tmp / "database.pgdump"
            args, env = _pg_env()
            run = subprocess.run(["pg_dump", *args, "-Fc", "--no-owner", "-f", str(db_file),
                                  _db()["NAME"]], env=env, capture_output=True, text=True)
            if run.returncode:
                raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
        else:
            raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(db_file, arcname=db_file.name)
            for rel in KEY_FILES:
                path = Path(settings.DATA_DIR) / rel
                if path.is_file():
                    tar.add(path, arcname=f"keys/{rel}")
                    manifest["keys"].append(rel)
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        os.chmod(partial, 0o600)
        partial.replace(out)  # a backup file is complete or absent, never half-written
    return manifest


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r") as tar:
            return json.load(tar.extractfile("manifest.json"))
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a Vigil backup ({exc})") from exc


def holds_data() -> bool:
    from django.apps import apps

    # By name: core imports no other app.
    models = [apps.get_model(label) for label in ("core.User", "people.Person",
                                                   "incidents.Incident")]
    try:
        return any(m.objects.exists() for m in models)
    except Exception:  # noqa: BLE001 - no tables yet: an empty database
        return False


def restore(path: Path, *, replace: bool = False) -> dict:
    """Put the backup's database and keys back; returns its manifest."""
    path = Path(path)
    manifest = read_manifest(path)
    vendor = connection.vendor
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not {FORMAT}")
    if manifest["vendor"] != vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database; "
                          f"this Vigil uses {vendor}")
    if holds_data() and not replace:
        raise BackupError("the database already holds data; restore with --replace to "
                          "overwrite it")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(path, "r") as tar:
        tar.extractall(tmp, filter="data")
        tmp = Path(tmp)
        if vendor == "sqlite":
            _restore_sqlite(tmp / "database.sqlite3")
        else:
            connections.close_all()
            _restore_postgres(tmp / "database.pgdump")
        for rel in manifest["keys"]:
            target = Path(settings.DATA_DIR) / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp / "keys" / rel, target)
            os.chmod(target, 0o600)
    return manifest


def _restore_sqlite(source: Path) -> None:
    """Copy the backup into the live database with the backup API (one write lock)."""
    connection.ensure_connection()
    src = sqlite3.connect(str(source))
    try:
        src.backup(connection.connection)
    finally:
        src.close()


def _restore_postgres(dump: Path) -> None:
    """Drop Vigil's schema objects and load the dump, in one transaction."""
    args, env = _pg_env()
    run = subprocess.run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner",
                          "--single-transaction", "-d", _db()["NAME"], str(dump)],
                         env=env, capture_output=True, text=True)
    if run.returncode:
        raise BackupError(f"pg_restore failed: {run.stderr.strip()[:2000]}")
