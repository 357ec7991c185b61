"""Civil orders and perpetrators: escalation and serial flags, order clocks and checks."""

from __future__ import annotations

from datetime import datetime, timedelta

from vigil.safeguarding.api import (
    CANCELLED,
    CLOCK_SLACK,
    CRIME,
    MET,
    OPEN,
    Context,
    FlagSpec,
    TaskSpec,
    cal,
    days_between,
    ref,
    start_of,
)

HEARING_AFTER = {"DVPN": "DVPO", "DAPN": "DAPO"}
NOTIFIED_ORDERS = ("DAPO", "SPO", "ISPO")
CHECKED_ORDERS = ("DVPN", "DVPO")
ORDER_REF = "orders.protectiveorder"


# --- perpetrators ------------------------------------------------------------------------

def escalation(ctx: Context) -> None:
    """Each offence that completes a pattern opens a review; the latest one is the flag.

    Offences are counted one per event at the event's time (Context.offence_events), as
    MARAC's potential escalation counts them; the review starts when the crime is known.
    """
    offences = ctx.offence_events
    policy = ctx.policy
    window = policy.escalation_window_days
    flagged = False
    for k in range(len(offences) - 1, -1, -1):
        at, crime_id, victims, _, lpa, known = offences[k]
        expires = cal.end_of_day(at.date() + timedelta(days=window))
        if ctx.stale(at) and (flagged or expires <= ctx.as_of):
            return
        in_window = [o for o in offences[:k + 1] if days_between(o[0], at) <= window]
        reasons = []
        for v in victims:
            same = [o for o in in_window if v in o[2]]
            if len(same) >= policy.escalation_same_victim_count:
                reasons.append(f"{len(same)} offences against the same victim")
        distinct = {v for o in in_window for v in o[2]}
        if len(distinct) >= policy.escalation_different_victims_count:
            reasons.append(f"{len(distinct)} different victims")
        if not reasons:
            continue
        crime_ref = ref(CRIME, crime_id)
        evidence = tuple(ref(CRIME, o[1]) for o in in_window)
        reason = f"Escalating perpetrator: {'; '.join(reasons)} within {window} days"
        if not flagged and expires > ctx.as_of:
            ctx.flag(FlagSpec(
                key=f"escalation:{ctx.pid}:{crime_ref}", person_id=ctx.pid, kind="escalation",
                rule="perpetrator_escalation", reason=reason, raised_at=at, evidence=evidence,
                expires_at=expires))
        flagged = True
        if not ctx.stale(at):
            ctx.task(TaskSpec(
                key=f"escalation_review:{ctx.pid}:{crime_ref}", person_id=ctx.pid,
                kind="escalation_review", team="investigators", rule="perpetrator_escalation",
                subject=crime_ref, reason=f"Refer to specialist investigators. {reason}",
                starts_at=max(at, known),
                due_at=cal.add_working_days(max(at, known),
                                            policy.escalation_review_working_days),
                lpa_id=lpa, evidence=evidence))


def serial(ctx: Context) -> None:
    """MATAC-style ranking over the window: recency-weighted gravity, plus victims."""
    policy = ctx.policy
    recent = [o for o in ctx.offences
              if days_between(o[0], ctx.as_of) <= policy.serial_window_days]
    if not recent:
        return
    victims = {v for o in recent for v in o[2]}
    if len(recent) < policy.serial_min_offences and len(victims) < policy.serial_min_victims:
        return
    half_life = policy.serial_recency_half_life_days
    gravity = sum(policy.gravity(o[3]) * 0.5 ** (days_between(o[0], ctx.as_of) / half_life)
                  for o in recent)
    score = round(gravity + 2 * len(victims), 2)
    last_at, last_id = recent[-1][0], recent[-1][1]
    ctx.flag(FlagSpec(
        key=f"serial:{ctx.pid}:{ref(CRIME, last_id)}", person_id=ctx.pid,
        kind="serial_perpetrator", rule="serial_perpetrator",
        reason=(f"Serial perpetrator: {len(recent)} DA offences against {len(victims)} "
                f"victim(s) in {policy.serial_window_days} days; score {score}"),
        raised_at=last_at, evidence=tuple(ref(CRIME, o[1]) for o in recent),
        expires_at=cal.end_of_day(last_at.date() + timedelta(days=policy.serial_window_days)),
        score=score))


# --- protective orders -------------------------------------------------------------------

def order_tasks(ctx: Context) -> None:
    policy = ctx.policy
    for order in ctx.h.orders.get(ctx.pid, ()):
        (oid, pid, kind, lpa, served, hearing, starts_on, ends_on, status, notified,
         _) = order
        o_ref = ref(ORDER_REF, oid)
        start = served or (start_of(starts_on) if starts_on else None)
        if start is None or start > ctx.as_of:
            continue
        if ctx.stale(start) and (ends_on is None or ctx.stale(start_of(ends_on))):
            continue
        if kind in HEARING_AFTER:
            following = ctx.h.order_followed.get(oid)
            state, closed, because = OPEN, None, ""
            if ctx.met(hearing):
                state, closed, because = MET, hearing, "hearing recorded"
            elif following and ctx.met(following[1]):
                state, closed, because = MET, following[1], ref(ORDER_REF, following[0])
            elif status in ("discharged", "refused"):
                state, closed, because = CANCELLED, start, f"notice {status}"
            ctx.task(TaskSpec(
                key=f"notice_hearing:{o_ref}", person_id=pid,
                kind=f"{HEARING_AFTER[kind].lower()}_hearing", team="civil_orders",
                rule="notice_hearing", subject=o_ref,
                reason=(f"{HEARING_AFTER[kind]} hearing within {policy.notice_hearing_hours} h "
                        f"of {kind} service (Sundays and holidays not counted)"),
                starts_at=start, due_at=cal.notice_hearing_deadline(
                    start, policy.notice_hearing_hours),
                lpa_id=lpa, evidence=(o_ref,), status=state, closed_at=closed,
                closed_because=because))
        if kind in NOTIFIED_ORDERS and status not in ("refused", "applied"):
            ok = ctx.met(notified)
            ctx.task(TaskSpec(
                key=f"order_notification:{o_ref}", person_id=pid, kind="order_notification",
                team="civil_orders", rule="order_notification", subject=o_ref,
                reason=f"{kind}: subject to notify name and address within "
                       f"{policy.order_notification_days} days",
                starts_at=start, due_at=cal.add_days(start, policy.order_notification_days),
                lpa_id=lpa, evidence=(o_ref,), status=MET if ok else OPEN,
                closed_at=notified if ok else None,
                closed_because="notification recorded" if ok else ""))
        if kind in CHECKED_ORDERS and status not in ("refused", "applied"):
            _weekly_checks(ctx, order, o_ref, start)
        if ends_on is not None and kind not in HEARING_AFTER and status == "live":
            notice = start_of(ends_on - timedelta(days=policy.order_expiry_notice_days))
            ctx.task(TaskSpec(
                key=f"order_expiry:{o_ref}", person_id=pid, kind="order_expiry",
                team="civil_orders", rule="order_expiry", subject=o_ref,
                reason=f"{kind} ends on {ends_on:%d %b %Y}: review renewal and tell the victim",
                starts_at=min(notice, cal.end_of_day(ends_on)),
                due_at=cal.end_of_day(ends_on), lpa_id=lpa, evidence=(o_ref,)))


def _weekly_checks(ctx: Context, order, o_ref: str, start: datetime) -> None:
    oid, pid, kind, lpa, _, hearing, starts_on, ends_on, status, _, _ = order
    interval = ctx.policy.order_check_interval_days
    if kind == "DVPN":
        following = ctx.h.order_followed.get(oid)
        end = hearing or (following[1] if following else None)
    else:
        end = cal.end_of_day(ends_on) if ends_on else cal.add_days(start, 28)
    if end is None:
        end = ctx.as_of if status == "live" else start
    checks = sorted((c for c in ctx.h.order_checks.get(oid, ()) if ctx.met(c[1])),
                    key=lambda c: c[1])
    used = 0
    week = 1
    if ctx.stale(start):  # skip whole stale weeks of a long-live notice
        week = max(1, (ctx.horizon - CLOCK_SLACK - start).days // interval)
    while True:
        week_start = cal.add_days(start, interval * (week - 1))
        if week_start >= end or week_start > ctx.as_of:
            return
        due = cal.add_days(start, interval * week)
        while used < len(checks) and checks[used][1] <= week_start:
            used += 1
        state, closed, because = OPEN, None, ""
        if used < len(checks):
            state, closed = MET, checks[used][1]
            because = ref("orders.ordercheck", checks[used][0])
            used += 1
        ctx.task(TaskSpec(
            key=f"order_check:{o_ref}:{week}", person_id=pid, kind="order_check",
            team="local_policing", rule="order_weekly_check", subject=o_ref,
            reason=f"Week {week} check of victim and subject while the {kind} is live",
            starts_at=week_start, due_at=due, lpa_id=lpa, evidence=(o_ref,), status=state,
            closed_at=closed, closed_because=because))
        week += 1


RULES = (escalation, serial, order_tasks)
