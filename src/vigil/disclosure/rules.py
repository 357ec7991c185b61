"""Clare's Law (DVDS): initial checks and the decision, each on its own clock."""

from __future__ import annotations

from vigil.safeguarding.api import MET, OPEN, Context, TaskSpec, cal, ref

APPLICATION_REF = "disclosure.dvdsapplication"


def dvds_tasks(ctx: Context) -> None:
    policy = ctx.policy
    for (aid, pid, lpa, received, checks_at, decided_at, decision,
         disclosed_at) in ctx.h.dvds.get(ctx.pid, ()):
        if received > ctx.as_of or ctx.stale(received):
            continue
        a_ref = ref(APPLICATION_REF, aid)
        ok = ctx.met(checks_at) or ctx.met(decided_at)
        ctx.task(TaskSpec(
            key=f"dvds_checks:{a_ref}", person_id=pid, kind="dvds_initial_checks",
            team="clares_law", rule="dvds_initial_checks", subject=a_ref,
            reason=f"Clare's Law initial checks within {policy.dvds_initial_checks_hours} h",
            starts_at=received,
            due_at=cal.add_elapsed_hours(received, policy.dvds_initial_checks_hours),
            lpa_id=lpa,
            evidence=(a_ref,), status=MET if ok else OPEN,
            closed_at=(checks_at if ctx.met(checks_at) else decided_at) if ok else None,
            closed_because="initial checks recorded" if ok else ""))
        done = ctx.met(decided_at)
        ctx.task(TaskSpec(
            key=f"dvds_decision:{a_ref}", person_id=pid, kind="dvds_decision",
            team="clares_law", rule="dvds_decision", subject=a_ref,
            reason=f"Clare's Law decision within {policy.dvds_decision_days} days",
            starts_at=received, due_at=cal.add_days(received, policy.dvds_decision_days),
            lpa_id=lpa, evidence=(a_ref,), status=MET if done else OPEN,
            closed_at=decided_at if done else None,
            closed_because=f"decision: {decision}" if done else ""))
        if done and decision == "disclose":
            # The 28-day clock runs to the disclosure too (2023 guidance): once the panel
            # decides to disclose, the disclosure with its safety plan is due by then, or
            # at once when the decision itself came late.
            disclosed = ctx.met(disclosed_at)
            ctx.task(TaskSpec(
                key=f"dvds_disclosure:{a_ref}", person_id=pid, kind="dvds_disclosure",
                team="clares_law", rule="dvds_disclosure", subject=a_ref,
                reason=f"Clare's Law disclosure with a safety plan within "
                       f"{policy.dvds_decision_days} days of the application",
                starts_at=decided_at,
                due_at=max(decided_at, cal.add_days(received, policy.dvds_decision_days)),
                lpa_id=lpa, evidence=(a_ref,), status=MET if disclosed else OPEN,
                closed_at=disclosed_at if disclosed else None,
                closed_because="disclosure recorded" if disclosed else ""))


RULES = (dvds_tasks,)
