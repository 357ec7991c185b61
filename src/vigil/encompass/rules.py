"""Operation Encompass: notify a child's school before the next school day."""

from __future__ import annotations

from vigil.safeguarding.api import INC, MET, OPEN, Context, TaskSpec, age, ref

NOTIFICATION_REF = "encompass.encompassnotification"


def encompass(ctx: Context) -> None:
    h, pid = ctx.h, ctx.pid
    for inc_id in sorted(set(h.person_incidents.get(pid, ()))):
        inc = h.incidents[inc_id]
        if inc.reported_at > ctx.as_of or ctx.stale(inc.reported_at):
            continue
        for person, role, present in inc.parties:
            if person == pid and role == "child":
                _notify(ctx, inc, ref(INC, inc_id), present)


def _notify(ctx: Context, inc, inc_ref: str, present: bool) -> None:
    policy = ctx.policy
    years = age(ctx.h.dob.get(ctx.pid), inc.reported_at.date())
    if years is not None and not policy.encompass_age_from <= years <= policy.encompass_age_to:
        return
    note = ctx.h.notifications.get((inc.id, ctx.pid))
    state, closed, because = OPEN, None, ""
    if note and ctx.met(note[1]):
        state, closed = MET, note[1]
        because = ref(NOTIFICATION_REF, note[0])
    ctx.task(TaskSpec(
        key=f"encompass:{inc_ref}:{ctx.pid}", person_id=ctx.pid, kind="encompass",
        team="encompass", rule="encompass_notification", subject=inc_ref,
        reason=("Notify the school before the next school day"
                + ("" if present else " (child not present)")),
        starts_at=inc.reported_at, due_at=ctx.school.next_school_day_start(inc.reported_at),
        lpa_id=inc.lpa_id, evidence=(inc_ref,), status=state, closed_at=closed,
        closed_because=because))


RULES = (encompass,)
