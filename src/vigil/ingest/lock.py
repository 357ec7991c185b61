"""One import at a time per database: a second one waits (up to --wait) or refuses.

PostgreSQL: a session advisory lock, released at the end of the import or when
its connection dies (also after SIGKILL). SQLite: an
exclusive flock on a file beside the database, released by the kernel when the
process ends however it ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
from pathlib import Path

from django.db import connection

# The advisory lock's key: "VIGI" "L-IM" as a 64-bit integer.
LOCK_KEY = 0x5649_4749_4C2D_494D & 0x7FFF_FFFF_FFFF_FFFF
POLL_SECONDS = 0.25


class ImportBusy(Exception):
    """Another import into the same database is running; nothing was read or written."""


def _refuse(where: str) -> ImportBusy:
    return ImportBusy(f"another import into {where} is running; nothing was imported. "
                      "Run again when it has finished, or pass --wait SECONDS to queue.")


def _sqlite_lock_path() -> Path | None:
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        return None  # an in-memory database belongs to one process
    return Path(name + ".import-lock")


@contextlib.contextmanager
def import_lock(wait: float = 0):
    """Hold the database's import lock for the block (around the import transaction)."""
    deadline = time.monotonic() + max(0.0, wait)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            while True:
                cur.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
                if cur.fetchone()[0]:
                    break
                if time.monotonic() >= deadline:
                    raise _refuse(f"database {connection.settings_dict['NAME']}")
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        return
    path = _sqlite_lock_path()
    if path is None:
        yield
        return
    with open(path, "a") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _refuse(str(connection.settings_dict["NAME"])) from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
