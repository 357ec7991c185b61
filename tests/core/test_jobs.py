"""The job runner: declared schedules reach the database; a queued job runs in the worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vigil.core import jobs

REPO = Path(__file__).resolve().parents[2]


def test_a_declared_schedule_is_written_once_and_updated(db):
    from django_q.models import Schedule

    jobs.schedule("test-daily", "tests.core.jobs_fixture.write_marker", cron="0 6 * * *",
                  kwargs={"path": "/dev/null", "text": "x"})
    try:
        jobs.sync_schedules()
        jobs.schedule("test-daily", "tests.core.jobs_fixture.write_marker", cron="30 7 * * 1-5")
        jobs.sync_schedules()
        rows = Schedule.objects.filter(name="test-daily")
        assert rows.count() == 1
        assert rows.get().cron == "30 7 * * 1-5"
    finally:
        jobs._SCHEDULES.pop("test-daily", None)


def test_the_worker_refuses_to_start_on_a_throwaway_key(tmp_path):
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp_path)}
    env.pop("VIGIL_SECRET_KEY", None)
    env.pop("VIGIL_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "vigil.cli", "worker"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "signing key" in done.stderr


def test_an_invalid_crontab_is_refused_with_its_name():
    with pytest.raises(ValueError, match="nightly.*not a valid crontab"):
        jobs.schedule("nightly", "x.y", cron="every night")


def test_sync_mode_runs_the_job_in_the_caller(db, settings, tmp_path):
    settings.VIGIL_JOBS_SYNC = True
    marker = tmp_path / "ran"
    job_id = jobs.enqueue("tests.core.jobs_fixture.write_marker", str(marker), "sync")
    assert marker.read_text() == "sync"
    result = jobs.outcome(job_id)
    assert result.done and result.ok and result.result == "sync"


@pytest.mark.slow
def test_the_worker_runs_a_queued_job_from_the_database(tmp_path):
    """The real path: enqueue into the SQLite broker, `vigil worker` picks it up."""
    # The enqueuing process and the worker sign and read jobs with the same key.
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO),
           "VIGIL_SECRET_KEY": "test-worker-key-" + "k" * 40}
    env.pop("VIGIL_DATABASE_URL", None)
    env.pop("VIGIL_JOBS_SYNC", None)
    vigil = [sys.executable, "-m", "vigil.cli"]
    subprocess.run([*vigil, "migrate"], env=env, check=True, capture_output=True)
    marker = tmp_path / "ran"
    job = "tests.core.jobs_fixture.write_marker"
    enqueue = ("from vigil.cli import setup_django; setup_django(); from vigil.core import jobs; "
               f"print(jobs.enqueue({job!r}, {str(marker)!r}, 'worker'))")
    subprocess.run([sys.executable, "-c", enqueue], env=env, check=True, capture_output=True)
    assert not marker.exists()
    worker = subprocess.Popen([*vigil, "worker"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        # The cluster's graceful stop can outlast a test; the job is what is tested.
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert marker.read_text() == "worker"


def test_a_job_writes_the_refusals_its_services_held_back(make_user, settings):
    from vigil.core.models import AuditEvent

    settings.VIGIL_JOBS_SYNC = True
    make_user("marac", username="coord")
    job = jobs.enqueue("tests.core.jobs_fixture.refuse_inside_a_change", "coord")
    assert jobs.outcome(job).result == "refused"
    event = AuditEvent.objects.get(action=AuditEvent.Action.DENIED, actor="coord")
    assert event.detail == {"capability": "complete_task:marac", "reason": "area",
                            "layer": "service"}
