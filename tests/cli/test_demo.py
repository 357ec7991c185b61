"""`vigil demo --no-serve` from nothing, in a fresh process and a temporary data folder."""

import os
import sqlite3
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def run_vigil(*args, data_dir, timeout=600):
    env = {k: v for k, v in os.environ.items() if k != "VIGIL_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "vigil.cli", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, env=env, timeout=timeout,
    )


def test_demo_builds_a_force_from_nothing(tmp_path):
    done = run_vigil("demo", "--no-serve", "--scale", "0.01", "--years", "2", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Demo users" in done.stdout
    db = sqlite3.connect(tmp_path / "vigil.sqlite3")
    counts = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in (
        "people_sourcerecord", "incidents_incident", "incidents_crime", "risk_riskassessment",
        "orders_protectiveorder", "core_user")}
    assert all(n > 0 for n in counts.values()), counts
    # One demo user per role, each printed with a password that logs in.
    from vigil.core.models import Role

    assert counts["core_user"] == len(Role.values)
    printed = {line.split()[0]: line.split()[1] for line in done.stdout.splitlines()
               if line.startswith("  ") and line.split()[0] in
               {r.replace("_", "-") for r in Role.values}}
    assert set(printed) == {r.replace("_", "-") for r in Role.values}
    hashed = dict(db.execute("select username, password from core_user"))
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    assert PBKDF2PasswordHasher().verify(printed["analyst"], hashed["analyst"])
    assert not PBKDF2PasswordHasher().verify(printed["admin"], hashed["analyst"])
    # The demo keeps a random signing key of its own in the data dir, readable by it alone.
    key = tmp_path / "secret_key"
    assert len(key.read_text()) >= 50 and key.stat().st_mode & 0o077 == 0


def test_demo_refuses_a_production_database(tmp_path):
    env = dict(os.environ, VIGIL_DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    done = subprocess.run([sys.executable, "-m", "vigil.cli", "--data-dir", str(tmp_path),
                           "demo", "--no-serve"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode != 0
    assert "embedded database" in done.stderr
