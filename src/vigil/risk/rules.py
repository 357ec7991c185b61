"""Risk (DASH) rules: the live risk-level flag, safeguarding contact, the R&A review."""

from __future__ import annotations

from datetime import UTC, timedelta

from vigil.safeguarding.api import (
    CANCELLED,
    CRIME,
    INC,
    LEVEL_NAMES,
    MET,
    OPEN,
    RA,
    Context,
    FlagSpec,
    TaskSpec,
    cal,
    final_level,
    primary_person,
    ref,
)


def assessments_to_date(ctx: Context) -> list:
    """The person's assessments as victim up to `as_of`, oldest first."""
    return sorted((a for a in ctx.h.assessments.get(ctx.pid, ()) if a[4] <= ctx.as_of),
                  key=lambda a: (a[4], a[0]))


def risk_level(ctx: Context) -> None:
    policy, pid = ctx.policy, ctx.pid
    assessments = assessments_to_date(ctx)
    for ra in assessments:
        ra_id, _, inc_id, crime_id, assessed_at, yes, _, recorded_final, _, _, lpa = ra[:11]
        _, level = final_level(policy, yes, recorded_final)
        ra_ref = ref(RA, ra_id)
        if level >= 2 and not ctx.stale(assessed_at):
            due = (cal.add_days(assessed_at, policy.high_risk_contact_days) if level == 3
                   else cal.add_working_days(assessed_at, policy.medium_risk_contact_working_days))
            ctx.task(TaskSpec(
                key=f"safeguarding_contact:{ra_ref}", person_id=pid,
                kind="safeguarding_contact", team="safeguarding", rule="safeguarding_contact",
                subject=ref(INC, inc_id) if inc_id else (ref(CRIME, crime_id) if crime_id
                                                          else ra_ref),
                reason=f"Safeguarding contact with a {LEVEL_NAMES[level]}-risk victim",
                starts_at=assessed_at, due_at=due, lpa_id=lpa, evidence=(ra_ref,)))
    if not assessments:
        return
    ra = assessments[-1]
    valid_until = cal.end_of_day(ra[4].date() + timedelta(days=policy.risk_level_valid_days))
    actuarial, level = final_level(policy, ra[5], ra[7])
    # Standard risk is the absence of a risk flag: the DASH itself is on the person page.
    if valid_until > ctx.as_of and level >= 2:
        raised = (f"; raised from {LEVEL_NAMES[actuarial]} by professional judgement"
                  + (f" ({ra[9][:80]})" if ra[9] else "")) if level > actuarial else ""
        ctx.flag(FlagSpec(
            key=f"risk_level:{pid}:{ref(RA, ra[0])}:{level}", person_id=pid,
            kind=f"risk_{LEVEL_NAMES[level]}", rule="final_risk_level",
            reason=f"{LEVEL_NAMES[level].capitalize()} risk: DASH {ra[5]} Yes{raised}"[:300],
            raised_at=ra[4], evidence=(ref(RA, ra[0]),), score=float(level),
            expires_at=valid_until))


def elapsed_hours(start, hours: int):
    """`hours` real hours after `start` (a clock change is no extra hour), in London time."""
    return (start.astimezone(UTC) + timedelta(hours=hours)).astimezone(cal.LONDON)


ALLOCATION = "risk.allocation"


def ra_review(ctx: Context) -> None:
    """Referral & Allocation reviews each DA incident its person owns."""
    h, pid = ctx.h, ctx.pid
    for inc_id in sorted(set(h.person_incidents.get(pid, ()))):
        inc = h.incidents[inc_id]
        if inc.reported_at > ctx.as_of or ctx.stale(inc.reported_at):
            continue
        if primary_person(inc) == pid:
            _ra_review(ctx, inc, ref(INC, inc_id))


def _ra_review(ctx: Context, inc, inc_ref: str) -> None:
    """Met when R&A allocates a crime recorded from the incident (to the LPA, the PPU, or
    filed with safeguarding): the allocation is the review, not the DASH's supervision.
    Due `ra_review_hours` real hours after the call."""
    h = ctx.h
    assessments = [a for a in h.incident_assessments.get(inc.id, ()) if a[4] <= ctx.as_of]
    crimes = sorted(c for c in inc.crime_ids if h.crimes[c].recorded_at <= ctx.as_of)
    level = max((final_level(ctx.policy, a[5], a[7])[1] for a in assessments), default=None)
    state, closed, because = OPEN, None, ""
    allocated = sorted((h.allocations[c][1], h.allocations[c][0]) for c in crimes
                       if c in h.allocations and ctx.met(h.allocations[c][1]))
    if allocated:
        state, closed, because = MET, allocated[0][0], ref(ALLOCATION, allocated[0][1])
    elif level == 1 and not crimes:
        state, closed, because = CANCELLED, max(a[4] for a in assessments), \
            "standard risk and no crime recorded"
    ctx.task(TaskSpec(
        key=f"ra_review:{inc_ref}", person_id=ctx.pid, kind="ra_review",
        team="referral_allocation", rule="ra_review", subject=inc_ref,
        reason="Referral & Allocation review of a DA incident",
        starts_at=inc.reported_at,
        due_at=elapsed_hours(inc.reported_at, ctx.policy.ra_review_hours),
        lpa_id=inc.lpa_id, evidence=(inc_ref,) + tuple(ref(RA, a[0]) for a in assessments)
        + tuple(ref(CRIME, c) for c in crimes),
        status=state, closed_at=closed, closed_because=because))


def dash_breach(ctx: Context) -> None:
    """A DASH whose recorded level is below its answers' level (imported, flagged): the
    R&A supervisor reviews it. Met when supervision sets a level at or above the answers'
    level; the rules use the answers' level meanwhile."""
    for ra in assessments_to_date(ctx):
        if not ra[11] or ctx.stale(ra[4]):
            continue
        actuarial, _ = final_level(ctx.policy, ra[5], ra[7])
        ra_ref = ref(RA, ra[0])
        fixed = ctx.met(ra[8]) and (ra[7] or 1) >= actuarial
        ctx.task(TaskSpec(
            key=f"dash_breach:{ra_ref}", person_id=ctx.pid, kind="dash_breach",
            team="referral_allocation", rule="dash_policy_breach", subject=ra_ref,
            reason=(f"Policy breach: the DASH level was recorded below the "
                    f"{LEVEL_NAMES[actuarial]} level its {ra[5]} Yes answers give"),
            starts_at=ra[4], due_at=elapsed_hours(ra[4], ctx.policy.ra_review_hours),
            lpa_id=ra[10], evidence=(ra_ref,), status=MET if fixed else OPEN,
            closed_at=ra[8] if fixed else None,
            closed_because="supervised at or above the answers' level" if fixed else ""))


RULES = (risk_level, ra_review, dash_breach)
