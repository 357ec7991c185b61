"""The simulation: incidents in time order, and everything that follows from them.

Victims come back (a repeat victim has another incident within 12 months),
some perpetrators move on to new victims (serial perpetrators), and a
relationship's incidents grow more serious as they repeat (escalation).
"""

from __future__ import annotations

import bisect
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from tqdm import tqdm

from vigil.core.policy import Policy
from vigil.synth import reference as R
from vigil.synth.areas import Geography
from vigil.synth.clock import DAY, HOUR, at, day_of
from vigil.synth.draw import Draw, Weighted
from vigil.synth.identity import CONNECT, CONTROL, SURNAMES, People, Person, birth_date
from vigil.synth.narrative import LogShows, narrative
from vigil.synth.writer import Sink

YEAR = 365 * DAY
P_REPEAT = 0.38  # share of incidents that return to an existing victim
P_SERIAL = 0.08  # share of new relationships whose perpetrator has abused before
VULNERABILITIES = {"disability": 0.08, "mental_health": 0.15, "pregnancy": 0.04,
                   "suicidal_ideation": 0.03, "no_recourse": 0.02, "language": 0.04}


@dataclass(slots=True)
class Rel:
    """A victim and the person abusing them, with the household's children."""

    rid: int
    victim: Person
    perp: Person
    relationship: str
    lpa: str
    neighbourhood: str
    started: int
    children: list = field(default_factory=list)


@dataclass(slots=True)
class CrimeRec:
    ref: str
    rel: Rel
    recorded_at: int
    group: str
    code: str
    outcome_at: int | None  # None: still open at the end date
    victim_ref: str
    suspect_ref: str


class Force:
    def __init__(self, sink: Sink, geo: Geography, people: People, policy: Policy,
                 start: date, end: date, scale: float, seed: int, progress: bool):
        self.sink, self.geo, self.people, self.policy = sink, geo, people, policy
        self.start, self.end, self.scale, self.seed = start, end, scale, seed
        self.start_ts = at(start)
        self.end_ts = at(end + timedelta(days=1)) - 1
        self.progress = progress
        self.d = Draw(seed, 1)
        self.ids: Counter[str] = Counter()
        self.rels: list[Rel] = []
        self.rel_starts: list[int] = []
        self.inc_times: list[int] = []
        self.inc_rels: list[Rel] = []
        self.victim_times: dict[int, list[int]] = {}
        self.crimes: list[CrimeRec] = []
        self.break_ts = at(date.fromisoformat(policy.counting_rule_break))
        self.review_from = at(R.LOG_REVIEWS_FROM)
        self._outcome_pickers: dict[float, Weighted] = {}
        self.pick_lpa = Weighted(dict(zip(geo.lpa_codes, geo.lpa_weights, strict=True)))
        self.pick_grade = Weighted(R.GRADES)
        self.pick_relationship = Weighted(R.RELATIONSHIPS)
        self.pick_group = Weighted({g: w for g, (w, _) in R.OFFENCES.items()})
        self.hours = Weighted(dict(enumerate(R.HOUR_WEIGHTS)))
        d = self.d
        self.officers = [f"PC {d.integer(1000, 29999)} {d.pick(SURNAMES)}" for _ in range(400)]
        self.sergeants = [f"DS {d.integer(1000, 9999)} {d.pick(SURNAMES)}" for _ in range(60)]
        self.supers = [f"Supt {d.pick(SURNAMES)}" for _ in range(12)]
        self.specialists = [f"{d.pick(SURNAMES)} (DA specialist)" for _ in range(8)]
        self.care_staff = [f"Encompass officer {d.pick(SURNAMES)}" for _ in range(10)]
        # Filled by the modules that hang off an incident (marac, orders, services).
        self.hooks_incident = []
        self.hooks_crime = []
        self.hooks_warm_up = []
        self.vulnerabilities_recorded: set[int] = set()

    # --- helpers
    def nid(self, prefix: str, width: int = 7) -> str:
        self.ids[prefix] += 1
        return f"{prefix}{self.ids[prefix]:0{width}d}"

    def share_of_history(self, t: int) -> float:
        return min(1.0, max(0.0, (t - self.start_ts) / max(1, self.end_ts - self.start_ts)))

    def ok(self, t: float | None) -> int | None:
        """The instant if it is within the history, else None (not happened yet)."""
        return int(t) if t is not None and t <= self.end_ts else None

    def rel_near(self, t: int) -> Rel:
        """A relationship with an incident in the half-year before t (or the first half-year)."""
        j = bisect.bisect_right(self.inc_times, t) - 1
        lo = bisect.bisect_left(self.inc_times, min(t, self.inc_times[-1]) - 180 * DAY)
        hi = max(j, lo + 1)
        if j < 0:
            lo, hi = 0, bisect.bisect_left(self.inc_times, self.inc_times[0] + 180 * DAY)
        return self.inc_rels[self.d.integer(lo, max(lo, hi - 1))]

    # --- timeline
    def daily_counts(self, first: date, last: date) -> list[tuple[date, int]]:
        days = (last - first).days + 1
        lam = []
        for i in range(days):
            day = first + timedelta(days=i)
            years_from_end = (self.end - day).days / 365.0
            f = (R.INCIDENTS_PER_YEAR / 365.0 * self.scale * R.MONTH_FACTOR[day.month]
                 * R.WEEKDAY_FACTOR[day.weekday()]
                 * (1 + R.TREND_PER_YEAR) ** (-years_from_end))
            if (day.month, day.day) >= (12, 24) or (day.month, day.day) == (1, 1):
                f *= R.FESTIVE_FACTOR
            lam.append(f)
        counts = self.d.rng.poisson(lam).tolist()
        return [(first + timedelta(days=i), n) for i, n in enumerate(counts)]

    def times(self, day: date, n: int) -> list[int]:
        d = self.d
        return sorted(at(day, self.hours(d), d.integer(0, 59), d.integer(0, 59))
                      for _ in range(n))

    def run(self) -> None:
        self.warm_up()
        days = self.daily_counts(self.start, self.end)
        for day, n in tqdm(days, desc="Generating", unit="day", disable=not self.progress,
                           mininterval=0.5):
            for seq, t in enumerate(self.times(day, n), 1):
                self.incident(day, seq, t)

    def warm_up(self) -> None:
        """A year before the history, kept in memory only, so that the first months already
        have repeat victims, serial perpetrators and earlier MARAC referrals."""
        first = self.start - timedelta(days=365)
        for day, n in self.daily_counts(first, self.start - timedelta(days=1)):
            for t in self.times(day, n):
                rel = self.choose_rel(t)
                self.inc_times.append(t)
                self.inc_rels.append(rel)
                history = self.victim_times.setdefault(rel.victim.pid, [])
                history.append(t)
                recent = len(history) - bisect.bisect_left(history, t - YEAR)
                for hook in self.hooks_warm_up:
                    hook(rel, t, recent)

    # --- people and relationships
    def choose_rel(self, t: int) -> Rel:
        d = self.d
        if self.inc_times and d.chance(P_REPEAT):
            target = t - int(min(d.expo(80), 364) * DAY) - HOUR
            j = bisect.bisect_left(self.inc_times, target)
            if target >= self.inc_times[0] and j < len(self.inc_times):
                return self.inc_rels[j]
        return self.new_rel(t)

    def new_rel(self, t: int) -> Rel:
        d, geo = self.d, self.geo
        relationship = self.pick_relationship(d)
        perp = None
        if self.rels and d.chance(P_SERIAL):
            lo = bisect.bisect_left(self.rel_starts, t - 3 * YEAR)
            if lo < len(self.rels):
                previous = self.rels[d.integer(lo, len(self.rels) - 1)]
                if previous.relationship != "family_member":
                    perp = previous.perp
                    relationship = d.pick(("intimate_partner", "ex_partner"))
        lpa = perp.lpa if perp is not None and d.chance(0.7) else self.pick_lpa(d)
        town = geo.towns[lpa]
        family = relationship == "family_member"
        v_sex = "F" if d.chance(0.65 if family else 0.82) else "M"
        victim = self.people.new(v_sex, birth_date(d, t, 16, 88 if family else 75,
                                                   45 if family else 31), lpa, town, t=t)
        if perp is None:
            p_sex = ("M" if d.chance(0.75) else "F") if family else (
                "M" if v_sex == "F" or d.chance(0.1) else "F")
            cohabit = not family and relationship == "intimate_partner" and d.chance(0.5)
            perp = self.people.new(
                p_sex, birth_date(d, t, 19, 72, 33), lpa, town,
                surname=victim.surname if family else None,
                address=(victim.address, victim.postcode) if cohabit else None, t=t)
        rel = Rel(len(self.rels) + 1, victim, perp, relationship, lpa,
                  d.pick(geo.neighbourhoods[lpa]), t)
        if d.chance(0.22 if family else 0.47):
            for _ in range(1 + d.binomial(2, 0.35)):
                rel.children.append(self.child(rel, t))
        self.rels.append(rel)
        self.rel_starts.append(t)
        return rel

    def child(self, rel: Rel, t: int) -> Person:
        d = self.d
        born = day_of(t) - timedelta(days=d.integer(60, 17 * 365))
        c = self.people.new(d.pick("FM"), born, rel.lpa, self.geo.towns[rel.lpa],
                            surname=rel.perp.surname if d.chance(0.6) else rel.victim.surname,
                            address=(rel.victim.address, rel.victim.postcode), t=t,
                            life_events=False)
        schools = self.geo.schools[rel.lpa]
        if d.chance(0.03):
            c.home_educated = True
        elif d.chance(0.03):
            c.school = dict.fromkeys(("primary", "secondary", "college"),
                                     d.pick(schools["special"]))
        else:
            c.school = {ph: d.pick(schools[ph]) for ph in ("primary", "secondary", "college")}
        return c

    def vulnerabilities(self, victim: Person, t: int) -> None:
        d = self.d
        for factor, p in VULNERABILITIES.items():
            if d.chance(p):
                on = day_of(t + int(d.uniform(0, 3) * HOUR))
                self.sink.add(
                    "vulnerabilities", source_system=CONNECT, source_id=self.nid("V"),
                    subject=self.people.ref(CONNECT, victim, t), factor=factor,
                    recorded_on=on,
                    source=d.pick(("victim", "officer", "partner agency", "records")),
                    ends_on=on + timedelta(days=d.integer(200, 540))
                    if factor == "pregnancy" else None)

    # --- the incident and what follows
    def incident(self, day: date, seq: int, t: int) -> None:
        d, sink, people = self.d, self.sink, self.people
        rel = self.choose_rel(t)
        self.inc_times.append(t)
        self.inc_rels.append(rel)
        history = self.victim_times.setdefault(rel.victim.pid, [])
        history.append(t)
        recent = len(history) - bisect.bisect_left(history, t - YEAR)
        if rel.victim.pid not in self.vulnerabilities_recorded:
            self.vulnerabilities_recorded.add(rel.victim.pid)
            self.vulnerabilities(rel.victim, t)
        grade = self.pick_grade(d)
        arrived = {"immediate": t + d.lognormal(12 * 60, 0.6),
                   "priority": t + d.lognormal(3600, 0.8),
                   "scheduled": t + d.uniform(4, 72) * HOUR, "resolution": None}[grade]
        closed = (arrived or t) + d.uniform(0.5, 5) * HOUR
        v = rel.victim
        address, postcode = (v.moved[1], v.moved[2]) if v.moved and v.moved[0] <= t else (
            v.address, v.postcode)
        improvement = (min(1.0, (t - self.review_from) / YEAR) if t >= self.review_from
                       else 0.0)
        text, shows = narrative(d, rel.relationship, len(rel.children), improvement)
        inc_id = f"{day:%Y%m%d}-{seq:04d}"
        inc_ref = f"{CONTROL}:L{inc_id}"
        sink.add("incidents", source_system=CONTROL, source_id=f"L{inc_id}",
                 reference=f"WMP-{inc_id}", reported_at=t, grade=grade,
                 arrived_at=self.ok(arrived), closed_at=self.ok(closed), lpa=rel.lpa,
                 neighbourhood=rel.neighbourhood, location=address, postcode=postcode,
                 narrative=text)
        sink.add("incident_parties", incident=inc_ref, person=people.ref(CONTROL, v, t),
                 role="victim", relationship=rel.relationship, present=True)
        sink.add("incident_parties", incident=inc_ref, person=people.ref(CONTROL, rel.perp, t),
                 role="suspect", relationship=rel.relationship, present=d.chance(0.6))
        children = []
        for c in rel.children:
            if c.age_on(day) > 17:
                continue
            present = d.chance(0.6)
            school = school_for(c, day)
            children.append((c, present, school))
            sink.add("incident_parties", incident=inc_ref, person=people.ref(CONTROL, c, t),
                     role="child", present=present, school=school,
                     home_educated=c.home_educated and is_school_age(c, day))
        crimes = []
        p_crime = R.CRIMES_PER_INCIDENT - 0.03 + 0.03 * min(recent - 1, 4)
        if d.chance(p_crime):
            crimes.append(self.crime(rel, t, recent, inc_ref))
            extra = R.EXTRA_CRIMES_BEFORE_BREAK if t < self.break_ts else 0.02
            if d.chance(extra):
                crimes.append(self.crime(rel, t, recent, inc_ref))
        ctx = IncidentContext(inc_ref, t, day, rel, grade, recent, crimes, children, shows)
        for hook in self.hooks_incident:
            hook(ctx)

    def crime(self, rel: Rel, t: int, recent: int, inc_ref: str) -> CrimeRec:
        d, sink, people = self.d, self.sink, self.people
        group = self.pick_group(d)
        if recent >= 3 and group in ("public_order", "criminal_damage") and d.chance(0.4):
            group = "violence_with_injury"  # escalation
        recorded = t + int(min(d.lognormal(3 * HOUR, 1.0), 72 * HOUR))
        committed = t - int(d.uniform(0, 2) * HOUR) if d.chance(0.95) else t - int(
            d.uniform(2, 120) * DAY)
        code = self.outcome_code(t)
        delay = R.OUTCOME_DELAY_DAYS.get(code, 21)
        outcome_at = recorded + int(d.lognormal(delay, 0.9) * DAY) + HOUR
        cid = self.nid("CR")
        ref = f"{CONNECT}:{cid}"
        v_ref = people.ref(CONNECT, rel.victim, t)
        s_ref = people.ref(CONNECT, rel.perp, t)
        rec = CrimeRec(ref, rel, recorded, group, code, self.ok(outcome_at), v_ref, s_ref)
        charged = code in ("1", "1A", "2", "2A")
        cps = None
        if charged and rec.outcome_at is not None:
            cps = max(recorded, outcome_at - int(d.uniform(0.2, 10) * DAY))
        sink.add("crimes", source_system=CONNECT, source_id=cid,
                 reference=f"20/{self.ids['CR']:06d}/{day_of(t):%y}", incident=inc_ref,
                 recorded_at=recorded, committed_at=committed, offence_group=group,
                 offence=d.pick(R.OFFENCES[group][1]), is_domestic_abuse=True, lpa=rel.lpa,
                 cps_referred_at=cps)
        sink.add("crime_parties", crime=ref, person=v_ref, role="victim",
                 relationship=rel.relationship)
        sink.add("crime_parties", crime=ref, person=s_ref, role="suspect",
                 relationship=rel.relationship)
        if rec.outcome_at is not None:
            oc_id = self.nid("OC")
            sink.add("outcomes", source_system=CONNECT, source_id=oc_id, crime=ref,
                     code=local_code(code, oc_id), outcome_at=rec.outcome_at,
                     suspect=None if code == "18" else s_ref)
        self.crimes.append(rec)
        for hook in self.hooks_crime:
            hook(rec)
        return rec

    def outcome_code(self, t: int) -> str:
        grow = R.POSITIVE_START + (R.POSITIVE_END - R.POSITIVE_START) * self.share_of_history(t)
        key = round(grow, 2)
        picker = self._outcome_pickers.get(key)
        if picker is None:
            positive = set(self.policy.positive_outcome_codes)
            picker = Weighted({c: w * (grow if c in positive else 1.0)
                               for c, w in R.OUTCOME_MIX.items()})
            self._outcome_pickers[key] = picker
        return picker(self.d)


def local_code(code: str, key: str) -> str:
    """The code as recorded: some 15s and 16s under a local sub-code. Chosen from the
    outcome's id (a stable hash), not from the random stream, so nothing else changes."""
    bucket = zlib.crc32(key.encode()) % 100
    for sub, _label, parent, share in R.LOCAL_SUB_CODES:
        if parent != code:
            continue
        if bucket < share:
            return sub
        bucket -= share
    return code


@dataclass(slots=True)
class IncidentContext:
    ref: str
    t: int
    day: date
    rel: Rel
    grade: str
    recent: int  # the victim's incidents in the last 12 months, this one included
    crimes: list
    children: list  # (person, present, school urn or None)
    shows: LogShows


def _year_group(c: Person, day: date) -> int:
    """School year on the day: 0 reception, 1-13 (age on 31 August before the year - 4)."""
    sept = date(day.year if day.month >= 9 else day.year - 1, 8, 31)
    return c.age_on(sept) - 4


def is_school_age(c: Person, day: date) -> bool:
    """Reception to 17 (Operation Encompass)."""
    return _year_group(c, day) >= 0 and c.age_on(day) <= 17


def school_for(c: Person, day: date) -> str | None:
    if c.home_educated or not is_school_age(c, day):
        return None
    year = _year_group(c, day)
    phase = "primary" if year <= 6 else "secondary" if year <= 11 else "college"
    return c.school[phase]
