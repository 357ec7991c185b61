"""MARAC rules: eligibility (flag and proposed referral), IDVA referral, hearing clock,
and the actions agreed at the hearing."""

from __future__ import annotations

from datetime import date, timedelta

from vigil.safeguarding.api import (
    CANCELLED,
    MET,
    OPEN,
    RA,
    Context,
    FlagSpec,
    TaskSpec,
    cal,
    days_between,
    final_level,
    ref,
    start_of,
)

REFERRAL_REF = "marac.maracreferral"
ACTION_REF = "marac.maracaction"


def repeat_of(previous: list, on, window_days: int):
    """The rules' answer to "is a referral on `on` a repeat?": the latest of `previous`
    (dates, or tuples whose last item is the date) before `on` and at most
    `window_days` earlier, else None. A new incident within 12 months of the last
    referral is a repeat whatever the score; after that it is a new referral."""
    def day(p):
        return p[-1] if isinstance(p, tuple) else p

    last = None
    for p in previous:  # the latest before `on` (the last of equals, as given)
        if day(p) < on and (last is None or day(p) >= day(last)):
            last = p
    return last if last is not None and (on - day(last)).days <= window_days else None


def _anchors(ctx: Context, referrals) -> dict[str, dict]:
    """The events that meet a MARAC criterion: high-risk assessments, escalation, repeats."""
    policy = ctx.policy
    anchors: dict[str, dict] = {}
    # Older anchors give neither a live flag nor a task inside the backfill horizon.
    flag_days = policy.marac_repeat_window_days
    assessments = sorted((a for a in ctx.h.assessments.get(ctx.pid, ()) if a[4] <= ctx.as_of),
                         key=lambda a: (a[4], a[0]))
    for ra in assessments:
        ra_id, assessed_at, yes, recorded_final, lpa = ra[0], ra[4], ra[5], ra[7], ra[10]
        if ctx.stale(assessed_at) and days_between(assessed_at, ctx.as_of) > flag_days:
            continue
        actuarial, level = final_level(policy, yes, recorded_final)
        criteria = []
        if actuarial == 3:
            criteria.append("visible high risk")
        elif level == 3:
            criteria.append("professional judgement")
        if criteria:
            ra_ref = ref(RA, ra_id)
            anchors[ra_ref] = {"at": assessed_at, "criteria": criteria, "lpa": lpa,
                               "evidence": [ra_ref], "high": True}
    events = ctx.victim_events
    esc_window, esc_count = policy.marac_escalation_window_days, policy.marac_escalation_incidents
    for k, (at, event_ref, lpa) in enumerate(events):
        if ctx.stale(at) and days_between(at, ctx.as_of) > flag_days:
            continue
        criteria, evidence = [], [event_ref]
        recent = [e for e in events[:k + 1] if days_between(e[0], at) <= esc_window]
        if len(recent) >= esc_count:
            criteria.append(f"potential escalation ({len(recent)} incidents in "
                            f"{esc_window} days)")
            evidence = [e[1] for e in recent]
        last = repeat_of([(r[0], r[3]) for r in referrals], at.date(),
                         policy.marac_repeat_window_days)
        if last is not None:
            criteria.append(f"repeat (within {policy.marac_repeat_window_days} days of the "
                            f"referral on {last[1]:%d %b %Y})")
            evidence.append(ref(REFERRAL_REF, last[0]))
        if criteria:
            anchor = anchors.setdefault(event_ref, {"at": at, "criteria": [], "lpa": lpa,
                                                    "evidence": [], "high": False})
            anchor["criteria"] += criteria
            anchor["evidence"] += evidence
    return anchors


def marac_eligibility(ctx: Context) -> None:
    policy, pid = ctx.policy, ctx.pid
    referrals = sorted((r for r in ctx.h.referrals.get(pid, ())
                        if start_of(r[3]) <= ctx.as_of), key=lambda r: (r[3], r[0]))
    latest = None
    for anchor_ref, anchor in _anchors(ctx, referrals).items():
        at = anchor["at"]
        if latest is None or (at, anchor_ref) > (latest[1]["at"], latest[0]):
            latest = (anchor_ref, anchor)
        if ctx.stale(at):
            continue
        later = [r for r in referrals if r[3] >= at.date()]
        reason = "MARAC criteria met: " + "; ".join(anchor["criteria"])
        evidence = tuple(dict.fromkeys(anchor["evidence"]))
        due = cal.add_working_days(at, policy.marac_referral_working_days)
        status, closed_at, because = OPEN, None, ""
        if later:
            status, closed_at = MET, start_of(later[0][3])
            because = ref(REFERRAL_REF, later[0][0])
        ctx.task(TaskSpec(
            key=f"marac_referral:{pid}:{anchor_ref}", person_id=pid, kind="marac_referral",
            team="marac", rule="marac_eligibility", subject=anchor_ref,
            reason=f"Proposed MARAC referral. {reason}"[:300], starts_at=at, due_at=due,
            lpa_id=anchor["lpa"], evidence=evidence, status=status, closed_at=closed_at,
            closed_because=because))
        if anchor["high"]:
            idva = [r for r in later if r[6] is not None and start_of(r[6]) <= ctx.as_of]
            ctx.task(TaskSpec(
                key=f"idva_referral:{pid}:{anchor_ref}", person_id=pid, kind="idva_referral",
                team="marac", rule="idva_referral", subject=anchor_ref,
                reason="Refer the high-risk victim to an IDVA", starts_at=at, due_at=due,
                lpa_id=anchor["lpa"], evidence=evidence,
                status=MET if idva else OPEN,
                closed_at=start_of(idva[0][6]) if idva else None,
                closed_because=ref(REFERRAL_REF, idva[0][0]) if idva else ""))
    if latest:
        anchor_ref, anchor = latest
        expires = cal.end_of_day(anchor["at"].date()
                                 + timedelta(days=policy.marac_repeat_window_days))
        if expires > ctx.as_of:
            ctx.flag(FlagSpec(
                key=f"marac_eligible:{pid}:{anchor_ref}", person_id=pid, kind="marac_eligible",
                rule="marac_eligibility",
                reason=("MARAC eligible: " + "; ".join(anchor["criteria"]))[:300],
                raised_at=anchor["at"], evidence=tuple(dict.fromkeys(anchor["evidence"])),
                expires_at=expires))


def marac_hearings(ctx: Context) -> None:
    limit = ctx.policy.marac_hearing_limit_days
    for rid, pid, lpa, referred_on, status, heard_on, _ in ctx.h.referrals.get(ctx.pid, ()):
        start = start_of(referred_on)
        if ctx.stale(start):
            continue
        r_ref = ref(REFERRAL_REF, rid)
        state, closed, because = OPEN, None, ""
        if heard_on is not None and ctx.met(start_of(heard_on)):
            state, closed, because = MET, start_of(heard_on), f"heard on {heard_on}"
        elif status in ("withdrawn", "transferred"):
            state, closed, because = CANCELLED, start, f"referral {status}"
        ctx.task(TaskSpec(
            key=f"marac_hearing:{r_ref}", person_id=pid, kind="marac_hearing", team="marac",
            rule="marac_hearing", subject=r_ref,
            reason=f"MARAC hearing within {limit} days of the referral on {referred_on:%d %b %Y}",
            starts_at=start, due_at=cal.date_deadline(referred_on, limit), lpa_id=lpa,
            evidence=(r_ref,), status=state, closed_at=closed, closed_because=because))


def marac_actions(ctx: Context) -> None:
    """Each action agreed at MARAC with a due date is the coordinator's to chase: a task
    in the MARAC queue from the hearing, due at the end of its due day (so an action not
    done by then shows as overdue), met when it is done or explicitly carried to the
    next meeting."""
    for rid, pid, lpa, _referred_on, _status, heard_on, _ in ctx.h.referrals.get(ctx.pid, ()):
        for aid, due_on, done_on, carried_on, agency, what in ctx.h.marac_actions.get(rid, ()):
            agreed = heard_on if heard_on is not None and heard_on <= due_on else due_on
            settled = min(d for d in (done_on, carried_on, date.max) if d is not None)
            state, closed, because = OPEN, None, ""
            if settled != date.max and ctx.met(start_of(settled)):
                state, closed = MET, start_of(settled)
                because = (f"done on {done_on:%d %b %Y}" if settled == done_on else
                           f"carried to the next meeting on {carried_on:%d %b %Y}")
            a_ref = ref(ACTION_REF, aid)
            ctx.task(TaskSpec(
                key=f"marac_action:{a_ref}", person_id=pid, kind="marac_action", team="marac",
                rule="marac_action", subject=a_ref,
                reason=f"MARAC action for {agency}, due {due_on:%d %b %Y}: {what}"[:300],
                starts_at=start_of(agreed), due_at=cal.end_of_day(due_on), lpa_id=lpa,
                evidence=(a_ref, ref(REFERRAL_REF, rid)), status=state, closed_at=closed,
                closed_because=because))


RULES = (marac_eligibility, marac_hearings, marac_actions)
