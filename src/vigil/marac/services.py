"""MARAC's write path: referrals, meetings, scheduling, hearings, actions, transfers.

Every change goes through `vigil.core.records.save` (checks, audit row, rules) after
`records.authorise` (role and area, refusals audited). Bad input raises
`records.RecordInvalid` naming the field, the value and why; nothing is half-written
(each service is one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from vigil.core import records, roles
from vigil.core.models import Area
from vigil.core.policy import current as current_policy
from vigil.marac.checks import CRITERIA, check_action, check_referral, check_transfer
from vigil.marac.models import (
    MaracAction,
    MaracMeeting,
    MaracReferral,
    MaracTransfer,
    SharingBasis,
)
from vigil.marac.rules import repeat_of
from vigil.people.models import SourceRecord

WHAT = "marac.maracreferral"


def _work(actor, lpa_ids, what: str = WHAT) -> None:
    records.authorise(actor, roles.complete_task("marac"), lpa_ids, what=what)


def _values(obj) -> dict:
    return {f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _invalid(field: str, value, reason: str) -> records.RecordInvalid:
    return records.RecordInvalid([(field, "" if value is None else str(value), reason)])


# --- referrals ---------------------------------------------------------------------

def previous_referral(victim: SourceRecord, on: date, policy=None) -> MaracReferral | None:
    """The referral that makes one on `on` a repeat (the rules' own answer), or None."""
    policy = policy or current_policy()
    # An unlinked record is only itself (filtering on a null person would match every
    # unlinked victim's referrals).
    same = ({"victim__person_id": victim.person_id} if victim.person_id is not None
            else {"victim_id": victim.pk})
    earlier = list(MaracReferral.objects.filter(**same, referred_on__lt=on)
                   .exclude(status=MaracReferral.Status.PROPOSED)
                   .order_by("referred_on", "id").values_list("id", "referred_on"))
    found = repeat_of(earlier, on, policy.marac_repeat_window_days)
    return MaracReferral.objects.get(pk=found[0]) if found else None


def refer(victim: SourceRecord, *, actor, lpa: Area, referred_on: date, criteria: set[str],
          risk_assessment=None, perpetrator: SourceRecord | None = None,
          idva_referred_on: date | None = None, referring_agency: str = "Police",
          sharing_basis: str = "", risk_summary: str = "",
          context: str = "") -> MaracReferral:
    """Refer a victim to MARAC on the criteria met (at least one; the import's check).

    Whether it is a repeat is the rules' answer (a referral within the repeat window
    before it), not the caller's: the criterion is set or cleared accordingly. Every
    referral opens the IDVA referral, dated the day of the referral unless given.
    """
    _work(actor, [lpa.pk])
    unknown = set(criteria) - set(CRITERIA)
    if unknown:
        raise _invalid("criteria", ", ".join(sorted(unknown)), "not a MARAC criterion")
    if sharing_basis and sharing_basis not in SharingBasis.values:
        raise _invalid("sharing_basis", sharing_basis, "not a basis for sharing")
    if not (referring_agency or "").strip():
        raise _invalid("referring_agency", "", "name the referring agency")
    criteria = set(criteria) - {"repeat_referral"}
    if previous_referral(victim, referred_on) is not None:
        criteria.add("repeat_referral")
    referral = MaracReferral(victim=victim, perpetrator=perpetrator, lpa=lpa,
                             referred_on=referred_on, risk_assessment=risk_assessment,
                             idva_referred_on=idva_referred_on or referred_on,
                             referring_agency=referring_agency.strip(),
                             sharing_basis=sharing_basis, risk_summary=risk_summary.strip(),
                             status=MaracReferral.Status.AWAITING,
                             **{c: c in criteria for c in CRITERIA})
    problems = check_referral(_values(referral))
    return records.save(referral, actor=actor, person_ids={victim.person_id},
                        context=context, problems=problems)


def record_idva_referral(referral: MaracReferral, *, actor, on: date,
                         context: str = "") -> MaracReferral:
    _work(actor, [referral.lpa_id])
    referral.idva_referred_on = on
    return records.save(referral, actor=actor, person_ids={referral.victim.person_id},
                        context=context,
                        detail={"idva_referred_on": on.isoformat()})


# --- meetings and scheduling -------------------------------------------------------

def meeting_interval(lpa: Area, policy=None) -> int:
    """Days between an LPA's meetings: fortnightly unless policy says monthly."""
    policy = policy or current_policy()
    return dict(policy.marac_meeting_interval_by_lpa).get(lpa.code,
                                                          policy.marac_meeting_interval_days)


def add_meeting(lpa: Area, *, actor, held_on: date, capacity: int | None = None,
                context: str = "") -> MaracMeeting:
    _work(actor, [lpa.pk], "marac.maracmeeting")
    capacity = current_policy().marac_cases_per_meeting if capacity is None else capacity
    if capacity < 1:
        raise _invalid("capacity", capacity, "a meeting hears at least one case")
    if MaracMeeting.objects.filter(lpa=lpa, held_on=held_on).exists():
        raise _invalid("held_on", held_on, f"{lpa.name} already has a MARAC on "
                                           f"{held_on:%d %b %Y}")
    return records.save(MaracMeeting(lpa=lpa, held_on=held_on, capacity=capacity),
                        actor=actor, person_ids=(), context=context)


def plan_meetings(lpa: Area, *, actor, first: date, until: date, capacity: int | None = None,
                  context: str = "") -> list[MaracMeeting]:
    """The LPA's meetings from `first` to `until` at its policy interval (days already
    holding a meeting are kept as they are)."""
    step = meeting_interval(lpa)
    made, day = [], first
    with transaction.atomic():
        while day <= until:
            if not MaracMeeting.objects.filter(lpa=lpa, held_on=day).exists():
                made.append(add_meeting(lpa, actor=actor, held_on=day, capacity=capacity,
                                        context=context))
            day += timedelta(days=step)
    return made


def load(meeting: MaracMeeting) -> int:
    """Cases listed at the meeting (withdrawn and transferred ones no longer count)."""
    return meeting.cases.exclude(status__in=("withdrawn", "transferred")).count()


@dataclass
class Offer:
    meeting: MaracMeeting | None
    message: str
    later: MaracMeeting | None = None  # the earliest with room after the limit, if any


def offer(referral: MaracReferral, *, today: date, policy=None) -> Offer:
    """The earliest meeting in the referral's LPA with room, on or after today and within
    the hearing limit of the referral date; else says plainly that there is none."""
    policy = policy or current_policy()
    limit = policy.marac_hearing_limit_days
    last_day = referral.referred_on + timedelta(days=limit)
    start = max(today, referral.referred_on)
    meetings = (MaracMeeting.objects.filter(lpa_id=referral.lpa_id, held_on__gte=start)
                .order_by("held_on"))
    loads = dict(MaracReferral.objects.filter(meeting__in=meetings)
                 .exclude(status__in=("withdrawn", "transferred"))
                 .values("meeting").annotate(n=Count("id")).values_list("meeting", "n"))
    for m in meetings:
        if loads.get(m.pk, 0) < m.capacity:
            if m.held_on <= last_day:
                day = (m.held_on - referral.referred_on).days
                return Offer(m, f"The earliest MARAC with room is {m.held_on:%A %d %B %Y} "
                                f"(day {day} of {limit}; {loads.get(m.pk, 0)} of "
                                f"{m.capacity} places taken).")
            day = (m.held_on - referral.referred_on).days
            return Offer(None, f"No MARAC with room within {limit} days (by "
                               f"{last_day:%d %B %Y}). The earliest with room is "
                               f"{m.held_on:%d %B %Y}, day {day}: escalate the backlog or "
                               "add a meeting.", later=m)
    return Offer(None, f"No MARAC with room within {limit} days (by {last_day:%d %B %Y}), "
                       "and none planned after: escalate the backlog or add a meeting.")


def schedule(referral: MaracReferral, meeting: MaracMeeting, *, actor,
             context: str = "") -> MaracReferral:
    """List the referral at the meeting: same LPA, not before the referral, with room."""
    _work(actor, [referral.lpa_id])
    with transaction.atomic():
        meeting = MaracMeeting.objects.select_for_update().get(pk=meeting.pk)
        if referral.status != MaracReferral.Status.AWAITING or referral.heard_on:
            raise _invalid("status", referral.get_status_display(),
                           "only a referral awaiting its hearing can be listed")
        if meeting.lpa_id != referral.lpa_id:
            raise _invalid("meeting", meeting, f"the referral is for {referral.lpa.name}'s "
                                               "MARAC")
        if meeting.held_on < referral.referred_on:
            raise _invalid("meeting", f"{meeting.held_on:%d %b %Y}",
                           f"the meeting is before the referral on "
                           f"{referral.referred_on:%d %b %Y}")
        if referral.meeting_id != meeting.pk and load(meeting) >= meeting.capacity:
            raise _invalid("meeting", f"{meeting.held_on:%d %b %Y}",
                           f"the meeting is full ({meeting.capacity} cases)")
        referral.meeting = meeting
        return records.save(referral, actor=actor, person_ids={referral.victim.person_id},
                            context=context, detail={"listed_for": meeting.held_on.isoformat()})


def record_attendance(meeting: MaracMeeting, *, actor, agencies: list[str],
                      context: str = "") -> MaracMeeting:
    _work(actor, [meeting.lpa_id], "marac.maracmeeting")
    names = [a.strip() for a in agencies if a.strip()]
    if not names:
        raise _invalid("attended_by", "", "name at least one agency that attended")
    meeting.attended_by = "\n".join(dict.fromkeys(names))
    return records.save(meeting, actor=actor, person_ids=(), context=context)


# --- the hearing and its actions ---------------------------------------------------

@dataclass
class ActionDraft:
    agency: str
    description: str
    owner: str = ""
    due_on: date | None = None


def _action(referral, draft: ActionDraft, n: int | None = None) -> MaracAction:
    where = f"action {n}: " if n else ""
    if not draft.description.strip():
        raise _invalid("description", "", f"{where}say what is to be done")
    if not draft.agency.strip():
        raise _invalid("agency", draft.description[:40],
                       f"{where}an action needs an owning agency")
    if draft.due_on is not None and referral.heard_on and draft.due_on < referral.heard_on:
        raise _invalid("due_on", draft.due_on, f"{where}due before the hearing")
    return MaracAction(referral=referral, agency=draft.agency.strip(),
                       owner=draft.owner.strip(), description=draft.description.strip(),
                       due_on=draft.due_on)


def record_hearing(referral: MaracReferral, *, actor, heard_on: date | None = None,
                   outcome: str = "", actions: list[ActionDraft] = (), today: date | None = None,
                   context: str = "") -> MaracReferral:
    """The case was heard: on its meeting's day (or `heard_on`), with the outcome and
    the actions agreed. All or nothing."""
    _work(actor, [referral.lpa_id])
    heard_on = heard_on or (referral.meeting.held_on if referral.meeting_id else None)
    if heard_on is None:
        raise _invalid("heard_on", "", "list the case at a meeting, or give the hearing date")
    if heard_on < referral.referred_on:
        raise _invalid("heard_on", f"{heard_on:%d %b %Y}",
                       f"a hearing cannot be before the referral on "
                       f"{referral.referred_on:%d %b %Y}")
    if today is not None and heard_on > today:
        raise _invalid("heard_on", f"{heard_on:%d %b %Y}", "the meeting has not happened yet")
    if referral.status not in (MaracReferral.Status.AWAITING, MaracReferral.Status.HEARD):
        raise _invalid("status", referral.get_status_display(),
                       "only a referral awaiting its hearing can be heard")
    with transaction.atomic():
        referral.heard_on, referral.status = heard_on, MaracReferral.Status.HEARD
        referral.outcome = outcome.strip() or referral.outcome
        made = [_action(referral, a, n) for n, a in enumerate(actions, 1)]
        referral = records.save(referral, actor=actor, person_ids={referral.victim.person_id},
                                context=context, problems=check_referral(_values(referral)),
                                detail={"heard_on": heard_on.isoformat(),
                                        "actions": len(made)})
        for action in made:
            records.save(action, actor=actor, person_ids=_victim(referral), context=context,
                         problems=check_action(_values(action)))
    return referral


def _victim(referral: MaracReferral) -> set[int]:
    """The person whose rules an action's change re-runs (its task in the MARAC queue)."""
    person = referral.victim.person_id if referral.victim_id else None
    return {person} if person is not None else set()


def add_action(referral: MaracReferral, draft: ActionDraft, *, actor,
               context: str = "") -> MaracAction:
    _work(actor, [referral.lpa_id], "marac.maracaction")
    if referral.closed_on:
        raise _invalid("referral", referral.source_ref, "the case is closed")
    action = _action(referral, draft)
    return records.save(action, actor=actor, person_ids=_victim(referral), context=context,
                        problems=check_action(_values(action)))


def complete_action(action: MaracAction, *, actor, on: date, context: str = "") -> MaracAction:
    _work(actor, [action.referral.lpa_id], "marac.maracaction")
    if action.completed_on:
        raise _invalid("completed_on", action.completed_on, "the action is already done")
    heard = action.referral.heard_on
    if heard and on < heard:
        raise _invalid("completed_on", on, "done before the hearing that agreed it")
    action.completed_on = on
    return records.save(action, actor=actor, person_ids=_victim(action.referral),
                        context=context)


def carry_action(action: MaracAction, *, actor, on: date, context: str = "") -> MaracAction:
    """Explicitly carry an unfinished action (it no longer bars closing the case)."""
    _work(actor, [action.referral.lpa_id], "marac.maracaction")
    if action.settled:
        raise _invalid("carried_on", on, "the action is already done or carried")
    action.carried_on = on
    return records.save(action, actor=actor, person_ids=_victim(action.referral),
                        context=context)


def close_case(referral: MaracReferral, *, actor, on: date, context: str = "") -> MaracReferral:
    """Close a heard case: only when every action is done or explicitly carried."""
    _work(actor, [referral.lpa_id])
    if referral.heard_on is None:
        raise _invalid("closed_on", on, "the case has not been heard")
    if referral.closed_on:
        raise _invalid("closed_on", referral.closed_on, "the case is already closed")
    open_ = [a for a in referral.actions.all() if not a.settled]
    if open_:
        raise _invalid("actions", len(open_),
                       f"{len(open_)} action(s) neither done nor carried: "
                       + "; ".join(f"{a.agency}: {a.description[:40]}" for a in open_))
    referral.closed_on = on
    return records.save(referral, actor=actor, person_ids={referral.victim.person_id},
                        context=context)


def withdraw(referral: MaracReferral, *, actor, on: date, reason: str,
             context: str = "") -> MaracReferral:
    """Withdraw a case before its hearing (the victim has moved away from MARAC's reach,
    the risk has been reassessed, a duplicate): its place at the meeting is freed, the
    hearing clock is cancelled by the rules, and the backlog counts it until `on`."""
    _work(actor, [referral.lpa_id])
    if referral.status not in (MaracReferral.Status.PROPOSED, MaracReferral.Status.AWAITING):
        raise _invalid("status", referral.get_status_display(),
                       "only a case not yet heard can be withdrawn")
    if on < referral.referred_on:
        raise _invalid("withdrawn_on", on, "before the referral")
    if on > timezone.localdate():
        raise _invalid("withdrawn_on", on, "in the future")
    if not reason.strip():
        raise _invalid("withdrawal_reason", "", "say why the case is withdrawn")
    referral.status = MaracReferral.Status.WITHDRAWN
    referral.withdrawn_on, referral.withdrawal_reason = on, reason.strip()
    referral.meeting = None
    return records.save(referral, actor=actor, person_ids={referral.victim.person_id},
                        context=context)


# --- transfers ---------------------------------------------------------------------

def transfer_out(referral: MaracReferral, *, actor, on: date, to_lpa: Area | None = None,
                 destination: str = "", sent: str = "", context: str = "") -> MaracTransfer:
    """The victim moves: to another LPA in the region (which receives the case) or to a
    MARAC outside it (`destination`). The referral here ends as transferred."""
    _work(actor, [referral.lpa_id])
    if to_lpa is not None and to_lpa.pk == referral.lpa_id:
        raise _invalid("to_lpa", to_lpa.name, "the case is already in this LPA")
    if referral.status in (MaracReferral.Status.TRANSFERRED, MaracReferral.Status.WITHDRAWN):
        raise _invalid("status", referral.get_status_display(), "the case is no longer open here")
    if on < referral.referred_on:
        raise _invalid("transferred_on", on, "before the referral")
    transfer = MaracTransfer(referral=referral, from_lpa_id=referral.lpa_id, to_lpa=to_lpa,
                             destination="" if to_lpa else destination.strip(),
                             transferred_on=on, sent=sent.strip())
    with transaction.atomic():
        problems = check_transfer(_values(transfer))
        saved = records.save(transfer, actor=actor, person_ids=(), context=context,
                             problems=problems)
        if referral.status == MaracReferral.Status.AWAITING:
            referral.status = MaracReferral.Status.TRANSFERRED
            referral.meeting = None
            records.save(referral, actor=actor, person_ids={referral.victim.person_id},
                         context=context, detail={"transferred": saved.source_ref})
    return saved


def _copy_into(referral: MaracReferral, lpa: Area, *, actor, on: date, context: str):
    return refer(referral.victim, actor=actor, lpa=lpa, referred_on=on,
                 criteria={c for c in CRITERIA if getattr(referral, c)} or
                 {"professional_judgement"},
                 risk_assessment=referral.risk_assessment, perpetrator=referral.perpetrator,
                 idva_referred_on=referral.idva_referred_on or on,
                 referring_agency=f"MARAC transfer from {referral.lpa.name}",
                 sharing_basis=referral.sharing_basis, risk_summary=referral.risk_summary,
                 context=context)


def receive_transfer(transfer: MaracTransfer, *, actor, on: date,
                     context: str = "") -> MaracReferral:
    """The receiving LPA takes the case on: a referral there, awaiting its hearing."""
    if transfer.to_lpa_id is None:
        raise _invalid("to_lpa", transfer.destination, "transferred out of the region")
    _work(actor, [transfer.to_lpa_id])
    if transfer.received_as_id:
        raise _invalid("received_as", transfer.received_as.source_ref, "already received")
    if on < transfer.transferred_on:
        raise _invalid("transferred_on", on, "received before it was sent")
    with transaction.atomic():
        new = _copy_into(transfer.referral, transfer.to_lpa, actor=actor, on=on,
                         context=context)
        transfer.received_as = new
        records.save(transfer, actor=actor, person_ids=(), context=context)
    return new


def transfer_in(victim: SourceRecord, *, actor, lpa: Area, on: date, origin: str,
                criteria: set[str], sharing_basis: str = "", risk_summary: str = "",
                received: str = "", context: str = "") -> MaracTransfer:
    """A case arriving from a MARAC outside the region: a referral here, and the movement."""
    if not origin.strip():
        raise _invalid("origin", "", "name the sending MARAC")
    with transaction.atomic():
        new = refer(victim, actor=actor, lpa=lpa, referred_on=on, criteria=criteria,
                    referring_agency=f"MARAC transfer from {origin.strip()}",
                    sharing_basis=sharing_basis, risk_summary=risk_summary, context=context)
        transfer = MaracTransfer(referral=new, from_lpa=None, origin=origin.strip(), to_lpa=lpa,
                                 transferred_on=on, sent=received.strip(), received_as=new)
        return records.save(transfer, actor=actor, person_ids=(), context=context,
                            problems=check_transfer(_values(transfer)))


def movements(person_id: int) -> list[MaracTransfer]:
    """The person's movement history across MARACs, oldest first."""
    return list(MaracTransfer.objects.filter(referral__victim__person_id=person_id)
                .select_related("from_lpa", "to_lpa", "referral")
                .order_by("transferred_on", "id"))
