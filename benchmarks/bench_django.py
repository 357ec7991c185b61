"""The set-up the page benchmarks share: a fresh Django on an embedded SQLite database in
a temporary directory (or a given PostgreSQL database, flushed), the test client's
environment, timing and the machine's load (it is shared: report it with the figures)."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def start_django(pg_url: str = "") -> None:
    """Django set up and migrated on a fresh database; call before importing models."""
    os.environ["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    if pg_url:
        os.environ["VIGIL_DATABASE_URL"] = pg_url
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    if pg_url:
        call_command("flush", interactive=False, verbosity=0)


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def timed(fn, runs: int) -> tuple[float, float, float, object]:
    """(median ms, p95 ms, median CPU ms of this process, the last result) over `runs`
    calls after one warm-up. On a loaded machine the CPU time is the steadier figure:
    the wall time also counts the time the process waited for a core."""
    out = fn()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    return (statistics.median(times), times[int(0.95 * (len(times) - 1))],
            statistics.median(cpu), out)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average: {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
