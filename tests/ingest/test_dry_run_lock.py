"""On SQLite a dry-run import never waits for, or holds, the live database's write lock."""

import os
import sqlite3
import subprocess
import sys

from tests.ingest.builders import base_rows, write_export


def _vigil(data_dir, *args):
    env = {k: v for k, v in os.environ.items() if k != "VIGIL_DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "vigil.cli", "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, env=env, timeout=600)


def test_a_dry_run_works_while_another_writer_holds_the_lock(tmp_path):
    data = tmp_path / "var"
    assert _vigil(data, "migrate").returncode == 0
    export = write_export(tmp_path / "export", base_rows())
    # Another writer (a long import) holds the write lock for the whole dry run.
    writer = sqlite3.connect(data / "vigil.sqlite3", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        run = _vigil(data, "import", str(export), "--dry-run", "--no-progress")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert run.returncode == 0, run.stderr[-2000:]
    assert "nothing was written" in run.stdout
    # The live database is untouched; the scratch copy is gone.
    live = sqlite3.connect(data / "vigil.sqlite3")
    assert live.execute("select count(*) from incidents_incident").fetchone()[0] == 0
    assert not list(data.glob("dry-run-*"))
