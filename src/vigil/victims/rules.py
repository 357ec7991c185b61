"""Victim care's rules: repeat and vulnerable victims, and the Victims' Code clocks."""

from __future__ import annotations

from datetime import timedelta

from vigil.safeguarding.api import (
    CANCELLED,
    CRIME,
    MET,
    OPEN,
    Context,
    FlagSpec,
    TaskSpec,
    age,
    cal,
    days_between,
    ref,
    start_of,
)

UPDATE_REF = "victims.victimupdate"


def repeat_victim(ctx: Context) -> None:
    events = ctx.victim_events
    window = ctx.policy.repeat_victim_window_days
    for k in range(len(events) - 1, 0, -1):
        at, event_ref, _ = events[k]
        previous = [e for e in events[:k] if days_between(e[0], at) <= window]
        if not previous:
            continue
        expires = cal.end_of_day(at.date() + timedelta(days=window))
        if expires > ctx.as_of:
            ctx.flag(FlagSpec(
                key=f"repeat_victim:{ctx.pid}:{event_ref}", person_id=ctx.pid,
                kind="repeat_victim", rule="repeat_victim",
                reason=f"Repeat victim: {len(previous) + 1} DA incidents or crimes within "
                       f"{window} days",
                raised_at=at, evidence=tuple(e[1] for e in previous) + (event_ref,),
                expires_at=expires))
        return


def vulnerable_victim(ctx: Context) -> None:
    events = ctx.victim_events
    if not events:
        return
    policy, today = ctx.policy, ctx.as_of.date()
    last_at, last_ref, _ = events[-1]
    expires = cal.end_of_day(last_at.date() + timedelta(days=policy.repeat_victim_window_days))
    if expires <= ctx.as_of:
        return
    factors, evidence, raised = [], [last_ref], last_at
    years = age(ctx.h.dob.get(ctx.pid), today)
    if years is not None and years < policy.vulnerable_age_under:
        factors.append(f"under {policy.vulnerable_age_under}")
    if years is not None and years >= policy.vulnerable_age_from:
        factors.append(f"aged {policy.vulnerable_age_from}+")
    for vid, factor, recorded_on, ends_on, source in sorted(
            ctx.h.vulnerabilities.get(ctx.pid, ())):
        if recorded_on <= today and (ends_on is None or ends_on >= today):
            factors.append(f"{factor.replace('_', ' ')} ({source})")
            evidence.append(ref("people.vulnerability", vid))
            raised = max(raised, start_of(recorded_on))
    if factors:
        ctx.flag(FlagSpec(
            key=f"vulnerable:{ctx.pid}:{'+'.join(sorted(evidence))}:{len(factors)}"[:200],
            person_id=ctx.pid, kind="vulnerable_victim", rule="vulnerable_victim",
            reason=("Vulnerable victim: " + "; ".join(factors))[:300],
            raised_at=raised, evidence=tuple(evidence), expires_at=expires))


UPDATE_EVENTS = {"charged": "charge", "remanded": "charge", "bail_conditions": "bail",
                 "bail": "bail", "rui": "release", "nfa": "release", "caution": "release"}


def victims_code(ctx: Context) -> None:
    h, policy, pid = ctx.h, ctx.policy, ctx.pid
    for crime_id in sorted(set(h.person_crimes.get(pid, ()))):
        crime = h.crimes[crime_id]
        if not crime.is_da or pid not in crime.victims or crime.recorded_at > ctx.as_of:
            continue
        c_ref = ref(CRIME, crime_id)
        care = h.care.get((pid, crime_id))
        updates = sorted((u for u in h.updates.get(care[0], ()) if ctx.met(u[3])),
                         key=lambda u: u[3]) if care else []
        referred = care[1] if care and ctx.met(care[1]) else None
        if not ctx.stale(crime.recorded_at):
            ctx.task(TaskSpec(
                key=f"vcop_support:{pid}:{c_ref}", person_id=pid,
                kind="vcop_support_referral", team="victim_care", rule="vcop_support_referral",
                subject=c_ref, reason=f"Victims' Code: refer to support within "
                f"{policy.vcop_support_referral_days} days", starts_at=crime.recorded_at,
                due_at=cal.add_days(crime.recorded_at, policy.vcop_support_referral_days),
                lpa_id=crime.lpa_id, evidence=(c_ref,), status=MET if referred else OPEN,
                closed_at=referred,
                closed_because="support referral recorded" if referred else ""))
        for event, at, source_ref in _suspect_events(ctx, crime_id):
            if ctx.stale(at):
                continue
            told = [u for u in updates if u[1] == event and u[3] >= at]
            ctx.task(TaskSpec(
                key=f"vcop_update:{pid}:{source_ref}:{event}", person_id=pid,
                kind="vcop_update", team="victim_care", rule="vcop_update", subject=c_ref,
                reason=f"Victims' Code: tell the victim of the {event} within "
                       f"{policy.vcop_update_working_days} working day",
                starts_at=at, due_at=cal.add_working_days(at, policy.vcop_update_working_days),
                lpa_id=crime.lpa_id, evidence=(c_ref, source_ref),
                status=MET if told else OPEN, closed_at=told[0][3] if told else None,
                closed_because=ref(UPDATE_REF, told[0][0]) if told else ""))
        _monthly_updates(ctx, crime, c_ref, updates)


def _suspect_events(ctx: Context, crime_id: int):
    for aid, arrested, released, disposal, bail_at in ctx.h.arrests.get(crime_id, ()):
        a_ref = ref("incidents.arrest", aid)
        if ctx.met(arrested):
            yield "arrest", arrested, a_ref
        event = UPDATE_EVENTS.get(disposal)
        at = (bail_at or released) if event == "bail" else released
        if event and ctx.met(at):
            yield event, at, a_ref


def _monthly_updates(ctx: Context, crime, c_ref: str, updates) -> None:
    days = ctx.policy.vcop_regular_update_days
    anchors = [(crime.recorded_at, c_ref)] + [(u[3], ref(UPDATE_REF, u[0])) for u in updates]
    finalised = crime.outcome_at if ctx.met(crime.outcome_at) else None
    for i, (at, anchor_ref) in enumerate(anchors):
        if finalised is not None and finalised <= at:
            return
        if ctx.stale(at):
            continue
        due = cal.add_days(at, days)
        state, closed, because = OPEN, None, ""
        if i + 1 < len(anchors):
            state, closed, because = MET, anchors[i + 1][0], anchors[i + 1][1]
        elif finalised is not None:
            state, closed, because = CANCELLED, finalised, "investigation finalised"
        ctx.task(TaskSpec(
            key=f"vcop_monthly:{ctx.pid}:{anchor_ref}", person_id=ctx.pid, kind="vcop_monthly",
            team="victim_care", rule="vcop_monthly_update", subject=c_ref,
            reason=f"Victims' Code: update the victim at least every {days} days",
            starts_at=at, due_at=due, lpa_id=crime.lpa_id, evidence=(c_ref, anchor_ref),
            status=state, closed_at=closed, closed_because=because))


RULES = (repeat_victim, vulnerable_victim, victims_code)
