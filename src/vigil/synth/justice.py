"""What follows a crime: arrest and custody disposal, bail, wanted suspects, Victims'
Code care and updates, and the protective orders that hang off an arrest or conviction."""

from __future__ import annotations

from datetime import timedelta

from vigil.incidents.models import Crime
from vigil.synth import reference as R
from vigil.synth.clock import DAY, HOUR, add_working_days, day_of
from vigil.synth.draw import Weighted
from vigil.synth.force import CrimeRec, Force
from vigil.synth.identity import CONNECT
from vigil.synth.orders import Orders

CHARGE_CODES = ("1", "1A", "2", "2A")
DIVERSION_CODES = ("3", "3A", "6", "8")
CONTACT_PLANS = ("Phone call weekly", "Phone call fortnightly", "Email fortnightly",
                 "Text message, then a call monthly", "Face-to-face visit fortnightly",
                 "Through the IDVA, monthly")
METHODS = ("phone", "email", "letter", "in person", "text message")
# Each contact plan's method and interval (the contact-plan form's terms).
PLAN_TERMS = {"Phone call weekly": ("phone", 7), "Phone call fortnightly": ("phone", 14),
              "Email fortnightly": ("email", 14),
              "Text message, then a call monthly": ("text", 28),
              "Face-to-face visit fortnightly": ("in_person", 14),
              "Through the IDVA, monthly": ("phone", 28)}
NEEDS = ("emotional", "emotional,safety", "safety,housing", "emotional,children",
         "special_measures,emotional", "communication", "health,emotional", "none")
BAIL_CONDITIONS = ("Not to contact the victim directly or indirectly; not to enter {pc}.",
                   "To reside at a named address; not to contact the victim.",
                   "Not to contact the victim; curfew 19:00-07:00 with doorstep checks.")
VICTIM_VIEWS = ("Victim supports conditions; wants no contact.",
                "Victim asks that he is kept away from the children's school too.",
                "Victim frightened of release; wants to be told before he is freed.",
                "Victim does not want conditions but accepts safeguarding advice.")


class Justice:
    def __init__(self, force: Force, orders: Orders):
        self.f = force
        self.orders = orders
        force.hooks_crime.append(self.follow)

    def bail_share(self, t: int) -> float:
        """Bail with conditions among other disposals: the share bailed rises 31 % -> 41 %."""
        return 0.25 + 0.11 * self.f.share_of_history(t)

    def follow(self, c: CrimeRec) -> None:
        f = self.f
        d = f.d
        events = []  # (reason, instant) for Victims' Code updates
        arrest = None
        if d.chance(R.ARREST_RATE_BY_OUTCOME.get(c.code, R.ARREST_RATE_DEFAULT)):
            arrest = self.arrest(c, events)
        elif c.code != "18" and d.chance(0.22):
            wanted_from = f.ok(c.recorded_at + int(d.uniform(1, 5) * DAY))
            if wanted_from is not None:
                f.sink.add("wanted", source_system=CONNECT, source_id=f.nid("W"),
                           suspect=c.suspect_ref, crime=c.ref,
                           kind="arrest" if d.chance(0.7) else "interview",
                           wanted_from=wanted_from,
                           resolved_at=f.ok(wanted_from + int(d.expo(25) * DAY) + HOUR))
        if c.outcome_at is not None:
            events.append(("charge" if c.code in CHARGE_CODES else "outcome", c.outcome_at))
        self.care(c, events)
        if arrest is not None and c.group in Crime.VIOLENT_GROUPS:
            self.orders.after_violent_arrest(c, arrest)
        self.orders.restraining_on_conviction(c)

    def arrest(self, c: CrimeRec, events: list) -> int | None:
        f = self.f
        d = f.d
        delay = d.uniform(0.2, 4) * HOUR if d.chance(0.6) else d.expo(2.5) * DAY
        arrested = f.ok(c.recorded_at + int(delay))
        if arrested is None:
            return None
        released = f.ok(arrested + int(d.uniform(6, 24) * HOUR))
        if c.code in CHARGE_CODES:
            disposal = Weighted({"charged": 40, "remanded": 20, "bail_conditions": 40})(d)
        elif c.code in DIVERSION_CODES:
            disposal = Weighted({"caution": 50, "bail_conditions": 20, "rui": 30})(d)
        else:
            b = self.bail_share(c.recorded_at)
            disposal = Weighted({"bail_conditions": b, "bail": 0.06, "rui": 0.62 - b,
                                 "nfa": 0.32})(d)
        if released is None:
            disposal = ""
        aid = f.nid("A")
        f.sink.add("arrests", source_system=CONNECT, source_id=aid,
                   suspect=f.people.ref(CONNECT, c.rel.perp, arrested, require_dob=True),
                   crime=c.ref, arrested_at=arrested, released_at=released, disposal=disposal)
        events.append(("arrest", arrested))
        if released is None:
            return None
        if disposal in ("bail", "bail_conditions"):
            events.append(("bail", released))
            captured = d.chance(0.75 + 0.17 * f.share_of_history(released))
            ended = released + int(d.uniform(28, 120) * DAY)
            if c.outcome_at is not None:
                ended = max(released, min(ended, c.outcome_at))
            f.sink.add("bail", source_system=CONNECT, source_id=f.nid("B"),
                       arrest=f"{CONNECT}:{aid}", granted_at=released,
                       return_on=day_of(released) + timedelta(days=28),
                       conditions=d.pick(BAIL_CONDITIONS).format(
                           pc=c.rel.victim.postcode.split()[0])
                       if disposal == "bail_conditions" else "",
                       victim_views_captured=captured,
                       victim_views=d.pick(VICTIM_VIEWS) if captured else "",
                       ended_at=f.ok(ended))
        elif disposal in ("rui", "nfa", "caution"):
            events.append(("release", released))
        return released

    def care(self, c: CrimeRec, events: list) -> None:
        f = self.f
        d = f.d
        if not d.chance(0.93):
            return
        assessed = f.ok(c.recorded_at + int(d.lognormal(20 * HOUR, 0.8))) if d.chance(0.88) \
            else None
        plan = d.pick(CONTACT_PLANS) if assessed is not None and d.chance(0.9) else ""
        if d.chance(0.9):
            lag = d.uniform(1, 46) * HOUR if d.chance(0.82) else d.uniform(2, 10) * DAY
            referred = f.ok(c.recorded_at + int(lag))
        else:
            referred = None
        cid = f.nid("VC")
        method, every = PLAN_TERMS.get(plan, ("", None))
        f.sink.add("victim_care", source_system=CONNECT, source_id=cid, victim=c.victim_ref,
                   crime=c.ref, needs_assessed_at=assessed, contact_plan=plan,
                   contact_plan_at=assessed if plan else None, support_referred_at=referred,
                   # Every DA victim is an intimidated victim under the Code.
                   enhanced_rights=True if assessed is not None else None,
                   needs=d.pick(NEEDS) if assessed is not None else "",
                   contact_method=method, contact_every_days=every,
                   support_service=d.pick(R.SUPPORT_SERVICES) if referred else "")
        care = f"{CONNECT}:{cid}"
        for reason, event in events:
            if d.chance(0.86):
                told = event + int(d.uniform(0.5, 20) * HOUR)
            else:
                told = add_working_days(event, 1) + int(d.uniform(1, 72) * HOUR)
            self.update(care, reason, event, told)
        closed = c.outcome_at if c.outcome_at is not None else f.end_ts
        for k in range(1, 4):
            due = c.recorded_at + k * 30 * DAY
            if due >= closed:
                break
            self.update(care, "monthly", None, due + int(d.uniform(-5, 6) * DAY))

    def update(self, care: str, reason: str, event, told: int) -> None:
        f = self.f
        if f.ok(told) is None:
            return
        f.sink.add("victim_updates", source_system=CONNECT, source_id=f.nid("VU"), care=care,
                   reason=reason, event_at=event, told_at=told, method=f.d.pick(METHODS))
