"""MARAC: referrals on the four criteria, meetings per LPA, hearings, actions, transfers."""

from __future__ import annotations

import bisect
import math
from datetime import date, timedelta

from vigil.core.calendar import is_bank_holiday
from vigil.synth import reference as R
from vigil.synth.clock import DAY, day_of
from vigil.synth.draw import Weighted
from vigil.synth.force import YEAR, Force, IncidentContext
from vigil.synth.identity import MARAC

REFERRALS_PER_YEAR = 5_000  # sizing meetings only; volume comes from the criteria
P_REFER_HIGH = 0.8
P_REFER_REPEAT = 0.25
P_REFER_ESCALATION = 0.04
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
                 heard_on=heard)
        if transfer and status == "transferred":
            on = min(f.end, referred + timedelta(days=d.integer(1, 20)))
            others = [c for c in f.geo.lpa_codes if c != rel.lpa]
            inside = d.chance(0.6)
            sink.add("marac_transfers", source_system=MARAC, source_id=f.nid("MT", 6),
                     referral=ref, from_lpa=rel.lpa,
                     to_lpa=d.pick(others) if inside else None,
                     destination="" if inside else d.pick(R.OUT_OF_REGION_MARACS),
                     transferred_on=on)
        if heard is not None:
            for _ in range(1 + d.binomial(3, 0.4)):
                agency = d.pick(R.MARAC_AGENCIES)
                due = heard + timedelta(days=d.integer(7, 28))
                done = heard + timedelta(days=d.integer(1, (due - heard).days + 7))
                sink.add("marac_actions", source_system=MARAC, source_id=f.nid("MA"),
                         referral=ref, agency=agency, description=ACTIONS[agency], due_on=due,
                         completed_on=done if done <= f.end and d.chance(0.82) else None)

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
                       held_on=held, capacity=self.lpa_capacity[lpa])
        # Meetings held with no case booked still happened: write them too.
        for lpa, dates in self.meetings.items():
            for held in dates:
                if (lpa, held) not in self.meeting_ids and held <= f.end:
                    f.sink.add("marac_meetings", source_system=MARAC,
                               source_id=f.nid("MM", 5), lpa=lpa, held_on=held,
                               capacity=self.lpa_capacity[lpa])
