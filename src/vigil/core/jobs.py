"""Background and scheduled jobs, on django-q2 with the database as broker.

Apps do not import django_q directly: they enqueue a job by the dotted path of a
plain function, and declare their schedules with `schedule()` (usually in their
AppConfig.ready). `vigil worker` writes the declared schedules to the database and
runs the cluster. Job functions must be idempotent: the broker redelivers a job
whose worker died (Q_CLUSTER["retry"]), up to Q_CLUSTER["max_attempts"] times.
See docs/adr/0005-job-runner.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scheduled:
    name: str  # stable, unique: the schedule row is found again by it
    func: str  # dotted path of the function to run
    cron: str  # crontab in Europe/London, e.g. "0 6 * * *" for 06:00 daily
    kwargs: dict | None = None


_SCHEDULES: dict[str, Scheduled] = {}


def schedule(name: str, func: str, *, cron: str, kwargs: dict | None = None) -> None:
    """Declare a recurring job; `sync_schedules()` writes it for the worker."""
    from croniter import croniter

    if not croniter.is_valid(cron):
        raise ValueError(f"schedule {name!r}: {cron!r} is not a valid crontab")
    _SCHEDULES[name] = Scheduled(name, func, cron, kwargs)


def declared() -> list[Scheduled]:
    return sorted(_SCHEDULES.values(), key=lambda s: s.name)


def sync_schedules() -> list[str]:
    """Create or update a schedule row for each declared job; returns their names.

    Rows for names no longer declared are left alone: an operator may have added
    them in the admin.
    """
    from django_q.models import Schedule

    for s in declared():
        Schedule.objects.update_or_create(
            name=s.name,
            defaults={"func": s.func, "schedule_type": Schedule.CRON, "cron": s.cron,
                      "kwargs": repr(s.kwargs or {}), "repeats": -1},
        )
    return [s.name for s in declared()]


def enqueue(func: str, *args, group: str | None = None, **kwargs) -> str:
    """Queue `func(*args, **kwargs)` for the worker; returns the job id.

    With settings.VIGIL_JOBS_SYNC the job runs here and now (tests; a demo with no
    worker). It is read per call, not at import as django-q2 reads its own.
    """
    from django.conf import settings
    from django_q.tasks import async_task

    options = {"sync": bool(getattr(settings, "VIGIL_JOBS_SYNC", False))}
    if group:
        options["group"] = group
    return async_task(func, *args, q_options=options, **kwargs)


@dataclass(frozen=True)
class Outcome:
    done: bool
    ok: bool
    result: object = None


def outcome(job_id: str) -> Outcome:
    """Whether a job has finished, and how. A job not finished yet is `done=False`."""
    from django_q.tasks import fetch

    job = fetch(job_id)
    if job is None:
        return Outcome(done=False, ok=False)
    return Outcome(done=True, ok=bool(job.success), result=job.result)


def _flush_after_job(sender, **kwargs) -> None:
    """Write the refusals a job's services held back, as a request's end does."""
    from vigil.core import audit

    audit.flush_refusals()


def connect() -> None:
    """Called from CoreConfig.ready: every job ends by flushing held-back refusals."""
    from django_q.signals import post_execute_in_worker

    post_execute_in_worker.connect(_flush_after_job, dispatch_uid="vigil.core.jobs.flush")

