"""MARAC: referrals on the four criteria, meetings per LPA, hearings, actions, transfers."""

from __future__ import annotations

import bisect
import math
from datetime import date, timedelta

from vigil.core.calendar import is_bank_holiday
from vigil.synth import reference as R
from vigil.synth.clock import DAY, day_of
from vigil.synth.draw import Draw, Weighted
from vigil.synth.force import YEAR, Force, IncidentContext
from vigil.synth.identity import MARAC

REFERRALS_PER_YEAR = 5_000  # sizing meetings only; volume comes from the criteria
P_REFER_HIGH = 0.8
P_REFER_REPEAT = 0.25
P_REFER_ESCALATION = 0.04
# Issue 11: the coordination records. Drawn on their own stream (MARAC_STREAM) so the
# rest of the force is the same draw for draw as before they existed.
MARAC_STREAM = 11
SHARING = {"consent": 68, "risk_of_harm": 27, "crime": 5}
P_NAMED_OWNER = 0.7
P_CARRIED = 0.6          # of actions not done by the next meeting, carried explicitly
P_RECEIVED = 0.85        # transfers within the region the receiving LPA takes on
P_TRANSFER_IN = 0.01     # referrals that arrive from a MARAC outside the region
OUTCOMES = ("Safety plan agreed; IDVA to lead.", "Actions agreed; review at the next MARAC.",
            "Information shared; target-hardening and flags agreed.",
            "Children's Services strategy discussion requested; safety plan agreed.")
OWNERS = ("A. Khan", "B. Patel", "C. Walker", "D. Hughes", "E. Morris", "F. Begum",
          "G. Evans", "H. Ali", "J. Wright", "K. Shah")
ACTIONS = {
    "Police": "Flag the address for an immediate response; review bail conditions.",
    "IDVA service": "IDVA to contact the victim within 2 working days and safety-plan.",
    "Children's Services": "Strategy discussion and child-in-need assessment.",
    "Housing": "Sanctuary scheme assessment and target-hardening at the address.",
    "Health": "GP and health visitor to be informed; flag the records.",
    "Probation": "Share the risk information with the offender manager.",
    "Adult Social Care": "Care Act safeguarding enquiry.",
    "Mental Health Trust": "Care coordinator to review the victim's support plan.",
}


class Marac:
    def __init__(self, force: Force):
        self.f = force
        self.capacity = force.policy.marac_cases_per_meeting
        self.meetings: dict[str, list[date]] = {}
        self.used: dict[tuple[str, date], int] = {}
        self.meeting_ids: dict[tuple[str, date], str] = {}
        self.last_referral: dict[int, int] = {}
        self.pending_until: dict[int, date] = {}
        self.lpa_capacity: dict[str, int] = {}
        self.agency = Weighted(R.REFERRING_AGENCIES)
        self.x = Draw(force.seed, MARAC_STREAM)
        self.sharing = Weighted(SHARING)
        self.schedule()
        force.hooks_warm_up.append(self.warm_up)

    def warm_up(self, rel, t: int, recent: int) -> None:
        """Referrals before the history: only their dates matter (the repeat criterion)."""
        if self.f.d.chance(0.05 + 0.02 * min(recent - 1, 3)):
            self.last_referral[rel.victim.pid] = t

    def schedule(self) -> None:
        f = self.f
        first = f.start - timedelta(days=f.start.weekday())  # a Monday
        last = f.end + timedelta(days=70)
        for i, lpa in enumerate(f.geo.lpa_codes):
            per_4_weeks = REFERRALS_PER_YEAR * f.scale * f.geo.lpa_weights[i] * 28 / 365
            # At least fortnightly; more often when the volume needs it at 16 a meeting.
            k = min(20, max(2, math.ceil(per_4_weeks / self.capacity)))
            # Above ~2x West Midlands a meeting a working day is not enough: larger meetings.
            self.lpa_capacity[lpa] = max(self.capacity, math.ceil(per_4_weeks / 20))
            # k meetings every four weeks, spread over its twenty working days.
            offsets = sorted({(i % 3 + 1 + j * 20 // k) % 20 for j in range(k)})
            dates = []
            monday = first
            while monday <= last:
                for off in offsets:
                    day = monday + timedelta(days=7 * (off // 5) + off % 5)
                    while is_bank_holiday(day) or day.weekday() >= 5:
                        day += timedelta(days=1)
                    if f.start <= day <= last and (not dates or day > dates[-1]):
                        dates.append(day)
                monday += timedelta(days=28)
            self.meetings[lpa] = dates

    def after_assessment(self, ctx: IncidentContext, ra_ref, yes, actuarial, final) -> None:
        f = self.f
        d = f.d
        pid = ctx.rel.victim.pid
        last = self.last_referral.get(pid)
        repeat = last is not None and ctx.t - last <= YEAR
        high = final == 3
        escalation = ctx.recent >= f.policy.marac_escalation_incidents
        refer = ((high and d.chance(P_REFER_HIGH)) or (repeat and d.chance(P_REFER_REPEAT))
                 or (escalation and d.chance(P_REFER_ESCALATION)))
        if not refer or self.pending_until.get(pid, date.min) >= ctx.day:
            return
        self.refer(ctx, ra_ref, visible=actuarial == 3, judgement=high and actuarial < 3,
                   escalation=escalation, repeat=repeat)

    def refer(self, ctx: IncidentContext, ra_ref, visible, judgement, escalation, repeat):
        f = self.f
        d, sink = f.d, f.sink
        rel = ctx.rel
        referred = day_of(ctx.t + int(d.uniform(0, 3) * DAY))
        if referred > f.end:
            return
        self.last_referral[rel.victim.pid] = ctx.t
        agency = self.agency(d) if ra_ref else d.pick(("IDVA service", "Health", "Housing"))
        rid = f.nid("MR", 6)
        ref = f"{MARAC}:{rid}"
        status, meeting, heard = "awaiting", None, None
        transfer = d.chance(0.03)
        if (f.end - referred).days < 3 and d.chance(0.7):
            status = "proposed"
        elif d.chance(0.02):
            status = "withdrawn"
        elif transfer:
            status = "transferred"
        else:
            lead = 8 if d.chance(0.95) else d.integer(22, 40)  # some await information
            held = self.book(rel.lpa, referred + timedelta(days=lead))
            if held is not None:
                meeting = self.meeting_ids.setdefault((rel.lpa, held), f.nid("MM", 5))
                self.pending_until[rel.victim.pid] = held
                if held <= f.end:
                    status, heard = "heard", held
        victim_ref = f.people.ref(MARAC, rel.victim, ctx.t)
        x = self.x
        actions = []
        if heard is not None:
            for _ in range(1 + d.binomial(3, 0.4)):
                agency = d.pick(R.MARAC_AGENCIES)
                due = heard + timedelta(days=d.integer(7, 28))
                done = heard + timedelta(days=d.integer(1, (due - heard).days + 7))
                done = done if done <= f.end and d.chance(0.82) else None
                carried = None
                if done is None and due + timedelta(days=14) <= f.end and x.chance(P_CARRIED):
                    carried = due + timedelta(days=x.integer(1, 14))
                actions.append((agency, due, done, carried,
                                x.pick(OWNERS) if x.chance(P_NAMED_OWNER) else ""))
        closed = None
        if heard is not None and actions and all(a[2] or a[3] for a in actions):
            last = max(a[2] or a[3] for a in actions)
            closed = last if last <= f.end else None
        sink.add("marac_referrals", source_system=MARAC, source_id=rid, victim=victim_ref,
                 perpetrator=f.people.ref(MARAC, rel.perp, ctx.t) if d.chance(0.92) else None,
                 lpa=rel.lpa, referring_agency=agency,
                 referred_on=referred, visible_high_risk=visible,
                 professional_judgement=judgement, potential_escalation=escalation,
                 repeat_referral=repeat,
                 risk_assessment=ra_ref if agency == "Police" else None,
                 idva_referred_on=min(f.end, referred + timedelta(days=d.integer(0, 2)))
                 if d.chance(0.96) else None,
                 status=status, meeting=f"{MARAC}:{meeting}" if meeting else None,
                 heard_on=heard, sharing_basis=self.sharing(x),
                 outcome=x.pick(OUTCOMES) if heard else "", closed_on=closed,
                 # No draw (the streams stay as they were): withdrawn within a fortnight.
                 withdrawn_on=min(f.end, referred + timedelta(days=10))
                 if status == "withdrawn" else None)
        if transfer and status == "transferred":
            on = min(f.end, referred + timedelta(days=d.integer(1, 20)))
            others = [c for c in f.geo.lpa_codes if c != rel.lpa]
            inside = d.chance(0.6)
            to_lpa = d.pick(others) if inside else None
            received = None
            if to_lpa and on + timedelta(days=1) <= f.end and x.chance(P_RECEIVED):
                received = self.receive(victim_ref, to_lpa, on + timedelta(days=x.integer(1, 5)),
                                        visible, judgement, escalation)
            sink.add("marac_transfers", source_system=MARAC, source_id=f.nid("MT", 6),
                     referral=ref, from_lpa=rel.lpa, to_lpa=to_lpa,
                     destination="" if inside else d.pick(R.OUT_OF_REGION_MARACS),
                     transferred_on=on, sent="Referral form, risk assessment and chronology",
                     received_as=f"{MARAC}:{received}" if received else None)
        elif status in ("awaiting", "heard") and x.chance(P_TRANSFER_IN):
            # This case came from a MARAC outside the region: its movement in.
            sink.add("marac_transfers", source_system=MARAC, source_id=f.nid("MT", 6),
                     referral=ref, from_lpa=None, origin=x.pick(R.OUT_OF_REGION_MARACS),
                     to_lpa=rel.lpa, transferred_on=referred,
                     sent="Referral form and the sending MARAC's minutes",
                     received_as=ref)
        for agency, due, done, carried, owner in actions:
            sink.add("marac_actions", source_system=MARAC, source_id=f.nid("MA"),
                     referral=ref, agency=agency, owner=owner, description=ACTIONS[agency],
                     due_on=due, completed_on=done, carried_on=carried)

    def receive(self, victim_ref, lpa: str, on: date, visible, judgement, escalation):
        """The receiving LPA's referral for a case transferred in: listed at its next
        meeting with room (booked on the MARAC stream only)."""
        f, x = self.f, self.x
        if on > f.end:
            return None
        rid = f"{f.nid('MR', 6)}"
        held = self.book(lpa, on + timedelta(days=7))
        meeting = status = heard = None
        status = "awaiting"
        if held is not None:
            meeting = self.meeting_ids.setdefault((lpa, held), f.nid("MM", 5))
            if held <= f.end:
                status, heard = "heard", held
        f.sink.add("marac_referrals", source_system=MARAC, source_id=rid, victim=victim_ref,
                   lpa=lpa, referring_agency="MARAC transfer", referred_on=on,
                   visible_high_risk=visible, professional_judgement=judgement or not (
                       visible or escalation), potential_escalation=escalation,
                   repeat_referral=True, idva_referred_on=on, status=status,
                   meeting=f"{MARAC}:{meeting}" if meeting else None, heard_on=heard,
                   sharing_basis=self.sharing(x), outcome=x.pick(OUTCOMES) if heard else "")
        return rid

    def book(self, lpa: str, earliest: date) -> date | None:
        dates = self.meetings[lpa]
        i = bisect.bisect_left(dates, earliest)
        while i < len(dates):
            key = (lpa, dates[i])
            if self.used.get(key, 0) < self.lpa_capacity[lpa]:
                self.used[key] = self.used.get(key, 0) + 1
                return dates[i]
            i += 1
        return None

    def write_meetings(self) -> None:
        f = self.f
        for (lpa, held), mid in sorted(self.meeting_ids.items(), key=lambda kv: kv[1]):
            f.sink.add("marac_meetings", source_system=MARAC, source_id=mid, lpa=lpa,
                       held_on=held, capacity=self.lpa_capacity[lpa],
                       attended_by=self.attendance() if held <= f.end else "")
        # Meetings held with no case booked still happened: write them too.
        for lpa, dates in self.meetings.items():
            for held in dates:
                if (lpa, held) not in self.meeting_ids and held <= f.end:
                    f.sink.add("marac_meetings", source_system=MARAC,
                               source_id=f.nid("MM", 5), lpa=lpa, held_on=held,
                               capacity=self.lpa_capacity[lpa], attended_by=self.attendance())

    def attendance(self) -> str:
        """The agencies at a meeting: police, IDVA and children's services nearly always."""
        x = self.x
        core = ["Police", "IDVA service", "Children's Services"]
        present = [a for a in core if x.chance(0.97)]
        present += [a for a in R.MARAC_AGENCIES if a not in core and x.chance(0.7)]
        return "\n".join(present)
