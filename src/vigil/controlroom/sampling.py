"""The log-review sampling queue (seed 000 s3.7): which DA logs a specialist reviews.

Each day's DA logs are drawn, per policy (core/policy.py):

- appointment logs (graded Scheduled) attended more than `log_review_delay_hours` after
  the call, or not attended at all once that long has passed ("delayed response");
- "advice given" trawls: logs of the `log_review_trawl_grades` (resolution without
  deployment) closed without attendance;
- other closures where risk was identified: any log closed without attendance whose
  DASH was medium or high, or whose text the screener found a key risk factor in;
- a random `log_review_random_share` of the day's remaining logs, seeded by the day,
  so re-running the draw picks the same logs.

The draw runs after the rules (`vigil rules`, registered in ControlroomConfig.ready) and
writes SampledLog rows; a log drawn once stays drawn.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

from django.db import transaction

from vigil.core import calendar as cal
from vigil.core.policy import Policy, current
from vigil.incidents.models import Incident

REASON_ORDER = ("delayed_appointment", "advice_given", "risk_closed", "random")


def reasons_for(inc: dict, as_of: datetime, policy: Policy, risk_found: bool) -> list[str]:
    """Why one log is drawn (before the random share): a pure function of the log."""
    out = []
    delay = timedelta(hours=policy.log_review_delay_hours)
    if inc["grade"] == Incident.Grade.SCHEDULED:
        attended = inc["arrived_at"]
        # In UTC: two London times a clock change apart differ by wall-clock hours.
        called = inc["reported_at"].astimezone(UTC)
        if (attended is not None and attended.astimezone(UTC) - called > delay) or (
                attended is None and as_of.astimezone(UTC) - called > delay):
            out.append("delayed_appointment")
    unattended_close = inc["arrived_at"] is None and inc["closed_at"] is not None
    if unattended_close and inc["grade"] in policy.log_review_trawl_grades:
        out.append("advice_given")
    elif unattended_close and risk_found:
        out.append("risk_closed")
    return out


def random_pick(ids: list[int], day: date, share: float) -> set[int]:
    """ceil(share x n) of the day's logs, seeded by the day: the same on every run."""
    if not 0 <= share <= 1:
        raise ValueError(f"log review random share must be between 0 and 1, got {share}")
    population = sorted(set(ids))
    k = min(len(population), math.ceil(share * len(population)))
    return set(random.Random(f"log-review:{day.isoformat()}").sample(population, k))


def draw(*, as_of: datetime, policy: Policy | None = None, days: int | None = None) -> int:
    """Draw the logs of every day from `days` ago (default the backfill horizon) to
    yesterday; return how many logs were newly drawn."""
    from vigil.controlroom.models import SampledLog
    from vigil.controlroom.screening_models import ScreeningMark

    policy = policy or current()
    days = policy.task_backfill_days if days is None else days
    today = as_of.astimezone(cal.LONDON).date()
    start = cal.local(today - timedelta(days=days))
    end = cal.local(today)
    logs = list(Incident.objects.filter(reported_at__gte=start, reported_at__lt=end)
                .values("id", "grade", "reported_at", "arrived_at", "closed_at"))
    window = {"reported_at__gte": start, "reported_at__lt": end}
    done = set(SampledLog.objects.filter(**{f"incident__{k}": v for k, v in window.items()})
               .values_list("incident_id", flat=True))
    risky = set(Incident.objects.filter(risk_assessments__final_level__gte=2, **window)
                .values_list("id", flat=True))
    risky |= set(ScreeningMark.objects.filter(
        kind="risk_factors_asked",
        **{f"screening__incident__{k}": v for k, v in window.items()})
                 .exclude(hits=[]).values_list("screening__incident_id", flat=True))
    by_day: dict[date, list[int]] = {}
    chosen: dict[int, list[str]] = {}
    for inc in logs:
        reasons = reasons_for(inc, as_of, policy, inc["id"] in risky)
        if reasons:
            chosen[inc["id"]] = reasons
        else:
            by_day.setdefault(inc["reported_at"].astimezone(cal.LONDON).date(),
                              []).append(inc["id"])
    for day, day_ids in by_day.items():
        for pk in random_pick(day_ids, day, policy.log_review_random_share):
            chosen[pk] = ["random"]
    reported = {i["id"]: i["reported_at"] for i in logs}
    new = [SampledLog(incident_id=pk, reasons=reasons,
                      sampled_on=reported[pk].astimezone(cal.LONDON).date())
           for pk, reasons in sorted(chosen.items()) if pk not in done]
    with transaction.atomic():
        SampledLog.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


def draw_and_report(*, as_of: datetime) -> tuple[int, list[str]]:
    """The draw `vigil rules` runs after the person rules. It opens no tasks (the sample
    is its own queue), so it reports 0 tasks and says how many logs it drew."""
    drawn = draw(as_of=as_of)
    return 0, [f"Log review sample: {drawn} control-room logs newly drawn for review."]
