"""A dry run on SQLite works on a private copy, so it never takes the live write lock.

SQLite has one writer at a time. A dry-run import does every write of a real one and
then rolls back, and holds the write lock all that while: pages that audit a view
would wait, then fail with "database is locked". On SQLite the dry run works on a
copy instead, made with the online backup API (a read: nobody waits). On PostgreSQL
the dry run's transaction blocks no reader, so it runs in place.
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections


@contextmanager
def scratch_database(alias: str = "default"):
    conn = connections[alias]
    if conn.vendor != "sqlite" or conn.in_atomic_block:
        # PostgreSQL; or a caller's transaction (a test's) that must keep its connection.
        yield
        return
    conn.ensure_connection()
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix="dry-run-") as tmp:
        copy = Path(tmp) / "scratch.sqlite3"
        dst = sqlite3.connect(str(copy))
        try:
            conn.connection.backup(dst)
        finally:
            dst.close()
        live = conn.settings_dict["NAME"]
        conn.close()
        conn.settings_dict["NAME"] = str(copy)
        try:
            yield
        finally:
            conn.close()
            conn.settings_dict["NAME"] = live
