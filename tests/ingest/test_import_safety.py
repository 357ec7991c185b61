"""An import killed half-way leaves the database as it was; two imports never interleave.

These run `vigil import` in real processes against a database of their own: a
SQLite file, and on PostgreSQL (VIGIL_DATABASE_URL) a scratch database created
and dropped by the test.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ingest.builders import write_csv, write_export
from vigil.ingest.lock import LOCK_KEY

pytestmark = pytest.mark.slow
PG_URL = os.environ.get("VIGIL_DATABASE_URL", "")
VIGIL = str(Path(sys.executable).with_name("vigil"))  # the installed command


def big_export(folder: Path, n: int) -> Path:
    """Persons, then incidents and their parties: long enough to be killed in the middle."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder, "areas", [
        {"code": "WMP", "name": "West Midlands Police", "kind": "force", "parent": ""},
        {"code": "BHM", "name": "Birmingham", "kind": "lpa", "parent": "WMP"}])
    write_csv(folder, "persons", [
        {"source_system": "CONNECT", "source_id": f"B{i}", "forename": "Jane",
         "surname": f"Smith{i % 97}", "date_of_birth": "1990-01-01", "sex": "F"}
        for i in range(n)])
    write_csv(folder, "incidents", [
        {"source_system": "CONTROL", "source_id": f"BI{i}", "reference": f"LOG-B{i}",
         "reported_at": "2025-04-01T21:10:00", "grade": "priority", "lpa": "BHM"}
        for i in range(n)])
    write_csv(folder, "incident_parties", [
        {"incident": f"CONTROL:BI{i // 2}", "person": f"CONNECT:B{i}",
         "role": "victim" if i % 2 else "suspect"} for i in range(n)])
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """(environment for a vigil process, a function counting a table's rows)."""
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp_path / "var")}
    if request.param == "sqlite":
        env.pop("VIGIL_DATABASE_URL", None)
        path = tmp_path / "var" / "vigil.sqlite3"

        def count(table):
            with sqlite3.connect(path) as con:
                return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        @contextlib.contextmanager
        def hold_lock():
            with open(str(path) + ".import-lock", "a") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                yield
    else:
        if not PG_URL.startswith("postgres"):
            pytest.skip("PostgreSQL runs only with VIGIL_DATABASE_URL=postgres://...")
        import psycopg

        server, _, base = PG_URL.rpartition("/")
        name = f"{base.split('?')[0]}_safety_{os.getpid()}"
        admin = server.replace("postgres://", "postgresql://", 1) + "/postgres"
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f'CREATE DATABASE "{name}"')
        env["VIGIL_DATABASE_URL"] = f"{server}/{name}"
        url = f"{server}/{name}".replace("postgres://", "postgresql://", 1)

        def count(table):
            with psycopg.connect(url) as con:
                return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        @contextlib.contextmanager
        def hold_lock():
            with psycopg.connect(url, autocommit=True) as con:
                con.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
                yield

        request.addfinalizer(lambda: _drop(admin, name))
    vigil(env, "migrate")
    return env, count, hold_lock


def _drop(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def vigil(env, *args, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([VIGIL, *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def start_import(env, folder, *extra) -> subprocess.Popen:
    return subprocess.Popen([VIGIL, "import", str(folder),
                             "--no-progress", "--verbose", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(proc: subprocess.Popen, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    for line in proc.stderr:
        if text in line:
            return
        if time.monotonic() > deadline:
            break
    proc.kill()
    pytest.fail(f"the import never said {text!r}; exit {proc.wait()}")


def test_sigkill_half_way_leaves_the_database_as_it_was(database, tmp_path):
    env, count, _ = database
    assert vigil(env, "import", str(write_export(tmp_path / "base")),
                 "--no-progress").returncode == 0
    before = {t: count(t) for t in ("people_sourcerecord", "people_person",
                                    "incidents_incident", "incidents_incidentparty")}
    big = big_export(tmp_path / "big", 3_000)
    proc = start_import(env, big)
    wait_for_line(proc, "persons.csv: checked and staged")
    os.kill(proc.pid, signal.SIGKILL)  # persons are written in the open transaction
    assert proc.wait() == -signal.SIGKILL
    after = {t: count(t) for t in before}
    assert after == before
    again = vigil(env, "import", str(big), "--no-progress")
    assert again.returncode == 0, again.stderr
    assert count("people_sourcerecord") == before["people_sourcerecord"] + 3_000
    assert count("incidents_incidentparty") == before["incidents_incidentparty"] + 3_000


def test_a_second_import_refuses_or_waits_while_one_runs(database, tmp_path):
    """While an import holds the database's import lock, another refuses or queues."""
    env, count, hold_lock = database
    small = write_export(tmp_path / "small")
    with hold_lock():  # exactly what a running import holds, from another process
        refused = vigil(env, "import", str(small), "--no-progress")
        assert refused.returncode == 3, refused.stderr
        assert "another import" in refused.stderr and "nothing was imported" in refused.stderr
        assert count("people_sourcerecord") == 0
        waiting = start_import(env, small, "--wait", "300")
        time.sleep(2)
        assert waiting.poll() is None  # still queued behind the lock
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert count("people_sourcerecord") == 3
