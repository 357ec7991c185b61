"""Operation Encompass and children's social care: the duties a DA incident with a child opens.

- Notify the child's school (Key Adult) before the start of the next school day of the
  school's own local authority (`calendars.py`; home-educated children and children whose
  school is not known go by the incident's authority). A school with no Key Adult email
  address, or a child with no known school, says so in the task: the officer has work to do
  before anything can be sent.
- Screen every DA incident with a child (present or not) for children's social care, and
  send the referral when the screening decides to refer.
"""

from __future__ import annotations

from datetime import timedelta

from vigil.safeguarding.api import (
    INC,
    MET,
    OPEN,
    Context,
    TaskSpec,
    age,
    cal,
    primary_person,
    ref,
)

NOTIFICATION_REF = "encompass.encompassnotification"
SCREENING_REF = "encompass.childscreening"


def calendar_for(ctx: Context, authority: int | None):
    """The school calendar of `authority` (its own term dates, else the force's)."""
    h = ctx.h
    found = h.school_calendars.get(authority)
    if found is None:
        terms = h.school_terms.get(authority)
        found = (cal.SchoolCalendar(terms, ctx.school.day_starts_at, fallback=ctx.school)
                 if terms else ctx.school)
        h.school_calendars[authority] = found
    return found


def encompass(ctx: Context) -> None:
    h, pid = ctx.h, ctx.pid
    for inc_id in sorted(set(h.person_incidents.get(pid, ()))):
        inc = h.incidents[inc_id]
        if inc.reported_at > ctx.as_of or ctx.stale(inc.reported_at):
            continue
        for person, role, present in inc.parties:
            if person == pid and role == "child":
                _notify(ctx, inc, ref(INC, inc_id), present)


def notification_reason(present: bool, school, failed: bool = False) -> str:
    """The task's words: what the officer must do, including what stands in the way."""
    school_id, _, has_email, home = school or (None, None, False, False)
    text = "Notify the school before the next school day"
    if failed:
        text += (": the email was refused by the mail server and not delivered (phone the "
                 "Key Adult, then send it again)")
    elif home:
        text = "Notify the local authority (child educated at home) before the next school day"
    elif school_id is None:
        text += ": the child's school is not known (find it, or notify the local authority)"
    elif not has_email:
        text += ": the school has no Key Adult email address (get it from the school)"
    return text + ("" if present else " (child not present)")


def _notify(ctx: Context, inc, inc_ref: str, present: bool) -> None:
    policy = ctx.policy
    years = age(ctx.h.dob.get(ctx.pid), inc.reported_at.date())
    if years is not None and not policy.encompass_age_from <= years <= policy.encompass_age_to:
        return
    school = inc.schools.get(ctx.pid)
    authority = school[1] if school and school[0] is not None else inc.lpa_id
    note = ctx.h.notifications.get((inc.id, ctx.pid))
    state, closed, because = OPEN, None, ""
    if note and ctx.met(note[1]):
        state, closed = MET, note[1]
        because = ref(NOTIFICATION_REF, note[0])
    ctx.task(TaskSpec(
        key=f"encompass:{inc_ref}:{ctx.pid}", person_id=ctx.pid, kind="encompass",
        team="encompass", rule="encompass_notification", subject=inc_ref,
        reason=notification_reason(present, school, bool(note and note[2] and state == OPEN)),
        starts_at=inc.reported_at,
        due_at=calendar_for(ctx, authority).next_school_day_start(inc.reported_at),
        lpa_id=inc.lpa_id, evidence=(inc_ref,), status=state, closed_at=closed,
        closed_because=because))


def child_screening(ctx: Context) -> None:
    """One screening per DA incident with a child, owned by the incident's primary person;
    a referral within its own clock when the screening decides to refer."""
    h, pid, policy = ctx.h, ctx.pid, ctx.policy
    for inc_id in sorted(set(h.person_incidents.get(pid, ()))):
        inc = h.incidents[inc_id]
        if (inc.reported_at > ctx.as_of or ctx.stale(inc.reported_at)
                or not any(role == "child" for _, role, _ in inc.parties)
                or primary_person(inc) != pid):
            continue
        inc_ref = ref(INC, inc_id)
        screening = h.screenings.get(inc_id)
        state, closed, because = OPEN, None, ""
        if screening and ctx.met(screening[1]):
            state, closed, because = MET, screening[1], ref(SCREENING_REF, screening[0])
        children = sum(1 for _, role, _ in inc.parties if role == "child")
        ctx.task(TaskSpec(
            key=f"csc_screening:{inc_ref}", person_id=pid, kind="csc_screening",
            team="encompass", rule="csc_screening", subject=inc_ref,
            reason=(f"Screen the incident for children's social care ({children} "
                    f"child{'ren' if children != 1 else ''})"),
            starts_at=inc.reported_at,
            due_at=inc.reported_at + timedelta(hours=policy.csc_screening_hours),
            lpa_id=inc.lpa_id, evidence=(inc_ref,), status=state, closed_at=closed,
            closed_because=because))
        if state == MET and screening[2] == "refer":
            screening_ref = ref(SCREENING_REF, screening[0])
            referred = screening[3]
            done = ctx.met(referred)
            ctx.task(TaskSpec(
                key=f"csc_referral:{inc_ref}", person_id=pid, kind="csc_referral",
                team="encompass", rule="csc_referral", subject=screening_ref,
                reason="Send the referral to children's social care (multi-agency form)",
                starts_at=screening[1],
                due_at=screening[1] + timedelta(hours=policy.csc_referral_hours),
                lpa_id=inc.lpa_id, evidence=(inc_ref, screening_ref),
                status=MET if done else OPEN, closed_at=referred if done else None,
                closed_because=screening_ref if done else ""))


RULES = (encompass, child_screening)
