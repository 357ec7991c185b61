"""Quality assurance of risk assessments: the weekly dip sample and the high-risk share.

Each completed week, a random share (policy: 5 %) of the standard-risk assessments
in each LPA is drawn for a supervisor to re-read. The draw is seeded by the week
and the LPA, so re-running it picks the same assessments; it is written as tasks
in the Referral & Allocation queue (the detective sergeants who supervise DASH).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Coalesce

from vigil.core import calendar as cal
from vigil.core.models import Area
from vigil.core.policy import Policy, current
from vigil.risk.models import RiskAssessment
from vigil.safeguarding.models import Task


def select_dip_sample(assessment_ids, week_label: str, lpa_code: str, share: float) -> list[int]:
    """The assessments drawn for one LPA-week: ceil(share x n), seeded by week and LPA."""
    if not 0 <= share <= 1:
        raise ValueError(f"dip sample share must be between 0 and 1, got {share}")
    population = sorted(set(assessment_ids))
    k = min(len(population), math.ceil(share * len(population)))
    return sorted(random.Random(f"{week_label}:{lpa_code}").sample(population, k))


def week_label(at: datetime) -> str:
    year, week, _ = at.astimezone(cal.LONDON).isocalendar()
    return f"{year}-W{week:02d}"


def _week_start(at: datetime) -> datetime:
    day = at.astimezone(cal.LONDON).date()
    return cal.local(day - timedelta(days=day.weekday()))


def draw_dip_samples(*, as_of: datetime, policy: Policy | None = None) -> int:
    """Open dip-sample tasks for completed weeks inside the backfill horizon."""
    policy = policy or current()
    this_week = _week_start(as_of)
    first_week = _week_start(as_of - timedelta(days=policy.task_backfill_days))
    rows = (RiskAssessment.objects
            .filter(final_level=1, assessed_at__gte=first_week, assessed_at__lt=this_week)
            .annotate(lpa=Coalesce("incident__lpa_id", "crime__lpa_id"))
            .exclude(lpa=None)
            .values_list("id", "lpa", "victim__person_id", "assessed_at"))
    groups: dict[tuple[str, int], list] = defaultdict(list)
    for ra_id, lpa, person_id, assessed_at in rows:
        groups[(week_label(assessed_at), lpa)].append((ra_id, person_id, assessed_at))
    codes = dict(Area.objects.filter(kind=Area.Kind.LPA).values_list("id", "code"))
    version = policy.version  # a hash of every policy value: once, not per task
    tasks = []
    for (label, lpa), items in sorted(groups.items()):
        chosen = set(select_dip_sample([i[0] for i in items], label, codes.get(lpa, str(lpa)),
                                       policy.qa_dip_sample_share))
        for ra_id, person_id, assessed_at in items:
            if ra_id not in chosen:
                continue
            start = _week_start(assessed_at) + timedelta(days=7)
            ra_ref = f"risk.riskassessment:{ra_id}"
            tasks.append(Task(
                key=f"qa_dip_sample:{ra_ref}", kind="qa_dip_sample", team="referral_allocation",
                lpa_id=lpa, person_id=person_id, subject=ra_ref,
                reason=f"Dip-sample this standard-risk assessment ({label}, "
                       f"{policy.qa_dip_sample_share:.0%} QA draw)",
                rule="qa_dip_sample", policy_version=version, evidence=[ra_ref],
                starts_at=start, due_at=cal.add_days(start, 7)))
    existing = set(Task.objects.filter(key__in=[t.key for t in tasks])
                   .values_list("key", flat=True))
    new = [t for t in tasks if t.key not in existing]
    with transaction.atomic():
        Task.objects.bulk_create(new, batch_size=2000)
    return len(new)


@dataclass(frozen=True)
class ShareRow:
    lpa_id: int
    lpa_name: str
    assessed: int
    high: int
    expected: float

    @property
    def share(self) -> float:
        return self.high / self.assessed if self.assessed else 0.0

    @property
    def below_expectation(self) -> bool:
        return self.assessed > 0 and self.share < self.expected


def high_risk_share(*, as_of: datetime, days: int = 365, policy: Policy | None = None
                    ) -> list[ShareRow]:
    """Per LPA: victims assessed in the period and those whose highest final level was high."""
    policy = policy or current()
    rows = (RiskAssessment.objects
            .filter(assessed_at__gt=as_of - timedelta(days=days), assessed_at__lte=as_of)
            .annotate(lpa=Coalesce("incident__lpa_id", "crime__lpa_id"))
            .exclude(lpa=None)
            .values("lpa", "victim__person_id").annotate(level=Max("final_level")))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        counts[row["lpa"]][0] += 1
        counts[row["lpa"]][1] += row["level"] == 3
    names = dict(Area.objects.filter(id__in=counts).values_list("id", "name"))
    return [ShareRow(lpa, names.get(lpa, str(lpa)), n, high, policy.high_risk_share_expected)
            for lpa, (n, high) in sorted(counts.items(), key=lambda kv: names.get(kv[0], ""))]


def draw_and_report(*, as_of: datetime) -> tuple[int, list[str]]:
    """The draw `vigil rules` runs after the person rules (registered in RiskConfig.ready)."""
    drawn = draw_dip_samples(as_of=as_of)
    lines = [f"QA dip sample: {drawn} standard-risk assessments newly drawn for review."]
    lines += [f"  {row.lpa_name:15} high-risk share {row.share:6.1%} of {row.assessed} "
              f"victims assessed (expected {row.expected:.0%})"
              for row in high_risk_share(as_of=as_of)]
    return drawn, lines
