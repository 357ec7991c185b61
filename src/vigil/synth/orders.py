"""Protective orders: DVPN -> DVPO after violent DA arrests, SPOs, non-molestation and
restraining orders, with conditions, protected persons, weekly checks and breaches."""

from __future__ import annotations

from datetime import date, timedelta

from vigil.synth import reference as R
from vigil.synth.clock import DAY, HOUR, YEAR_DAYS, at, day_of, notice_deadline
from vigil.synth.force import Force, Rel
from vigil.synth.identity import CONNECT

P_DVPN = 0.075  # of arrests for violent DA offences
P_DVPO_GRANTED = 0.88
CONDITIONS = {
    "DVPN": (("no_molestation", "Not to use or threaten violence against, or molest, the "
                                "person protected."),
             ("exclusion", "Not to enter the protected person's address."),
             ("no_contact", "Not to contact the protected person by any means.")),
    "NMO": (("no_molestation", "Not to use or threaten violence, intimidate, harass or "
                               "pester the applicant."),
            ("exclusion", "Not to go within 100 metres of the applicant's home.")),
    "RO": (("no_contact", "Not to contact the protected person directly or indirectly."),
           ("exclusion", "Not to enter the street where the protected person lives.")),
    "SPO": (("no_contact", "Not to contact the protected person by any means."),
            ("positive", "To attend a stalking perpetrator intervention programme."),
            ("em", "To wear an electronic monitoring tag.")),
}
CONDITIONS["DVPO"] = CONDITIONS["DVPN"]
CONDITIONS["ROA"] = CONDITIONS["RO"]
CONDITIONS["ISPO"] = CONDITIONS["SPO"]


class Orders:
    def __init__(self, force: Force):
        self.f = force
        self.hours = force.policy.notice_hearing_hours
        self.live_orders: dict[str, list[tuple[str, Rel, int, int | None]]] = {}

    # --- rows
    def order(self, rel: Rel, order_type: str, t: int, *, status: str, crime=None, follows=None,
              **fields) -> str:
        f = self.f
        d = f.d
        oid = f.nid("O")
        ref = f"{CONNECT}:{oid}"
        subject = f.people.ref(CONNECT, rel.perp, t, require_dob=order_type == "DVPN")
        f.sink.add("orders", source_system=CONNECT, source_id=oid, order_type=order_type,
                   subject=subject, lpa=rel.lpa, follows=follows, crime=crime, status=status,
                   **fields)
        conditions = CONDITIONS[order_type]
        for n in range(1, d.integer(1, len(conditions)) + 1):
            kind, text = conditions[n - 1]
            f.sink.add("order_conditions", order=ref, number=n, kind=kind, text=text)
        f.sink.add("order_protected_persons", order=ref,
                   person=f.people.ref(CONNECT, rel.victim, t))
        return ref

    def breach(self, ref: str, rel: Rel, t: int, result: str, by: str | None = None) -> None:
        f = self.f
        d = f.d
        arrest = None
        if d.chance(0.65):
            arrested = f.ok(t + int(d.lognormal(10 * HOUR, 1.0)))
            if arrested is not None:
                aid = f.nid("A")
                arrest = f"{CONNECT}:{aid}"
                released = f.ok(arrested + int(d.uniform(6, 24) * HOUR))
                f.sink.add("arrests", source_system=CONNECT, source_id=aid,
                           suspect=f.people.ref(CONNECT, rel.perp, t, require_dob=True),
                           arrested_at=arrested, released_at=released,
                           disposal=(d.pick(("charged", "remanded", "bail_conditions", "nfa"))
                                     if released else ""), for_breach_of=ref)
        if f.end_ts - t < 30 * DAY and d.chance(0.6):
            result = "investigating"
        f.sink.add("order_breaches", source_system=CONNECT, source_id=f.nid("OB", 6),
                   order=ref, reported_at=t,
                   reported_by=by or ("victim" if d.chance(0.7) else d.pick(("police", "other"))),
                   result=result, arrest=arrest)

    def breaches_while_live(self, ref, rel, live_from, live_to, per_year, results):
        """Breaches at random times while the order is live, within the history."""
        f = self.f
        lo = max(live_from, f.start_ts)
        hi = min(live_to if live_to is not None else f.end_ts, f.end_ts)
        if hi <= lo:
            return
        for _ in range(f.d.poisson(per_year * (hi - lo) / (YEAR_DAYS * DAY))):
            self.breach(ref, rel, int(f.d.uniform(lo, hi)), results(f.d))

    # --- DVPN and DVPO, from an arrest
    def after_violent_arrest(self, crime, released: int) -> None:
        f = self.f
        d = f.d
        if not d.chance(P_DVPN):
            return
        rel = crime.rel
        served = released
        deadline = notice_deadline(served, self.hours)
        if d.chance(0.93):
            hearing = served + int(d.uniform(0.35, 0.98) * (deadline - served))
        else:
            hearing = deadline + int(d.uniform(1, 30) * HOUR)
        hearing = f.ok(hearing)
        dvpn = self.order(rel, "DVPN", served, status="expired" if hearing else "live",
                          crime=crime.ref, authorised_by=d.pick(f.supers),
                          authorised_rank="Superintendent", served_at=served,
                          hearing_at=hearing, starts_on=day_of(served))
        self.checks(dvpn, rel, served, hearing or f.end_ts)
        if not d.chance(0.96):
            return
        applied = served + int(d.uniform(2, 20) * HOUR)
        if hearing is None:
            if f.ok(applied):
                self.order(rel, "DVPO", applied, status="applied", crime=crime.ref,
                           follows=dvpn, court=R.COURTS[rel.lpa], applied_at=applied)
            return
        applied = min(applied, hearing)
        if not d.chance(P_DVPO_GRANTED):
            self.order(rel, "DVPO", hearing, status="refused", crime=crime.ref, follows=dvpn,
                       court=R.COURTS[rel.lpa], applied_at=applied, hearing_at=hearing)
            return
        starts = day_of(hearing)
        ends = starts + timedelta(days=d.integer(14, 28))
        dvpo = self.order(rel, "DVPO", hearing,
                          status="expired" if ends < f.end else "live", crime=crime.ref,
                          follows=dvpn, court=R.COURTS[rel.lpa], applied_at=applied,
                          served_at=hearing, hearing_at=hearing, made_on=starts, starts_on=starts,
                          ends_on=ends)
        until = at(ends + timedelta(days=1))
        self.checks(dvpo, rel, hearing, until)
        if d.chance(0.12):
            t = f.ok(d.uniform(hearing, until))
            if t is not None:
                self.breach(dvpo, rel, int(t), "contempt" if d.chance(0.7) else "nfa")

    def compliance(self, t: int) -> float:
        """Share of weekly checks done: 30-40 % until late 2023, 85-92 % from late 2024."""
        low, high = at(date(2023, 10, 1)), at(date(2024, 10, 1))
        if t <= low:
            return 0.35
        if t >= high:
            return 0.885
        return 0.35 + (0.885 - 0.35) * (t - low) / (high - low)

    def checks(self, ref: str, rel: Rel, live_from: int, live_to: int) -> None:
        """A check due a day after the order goes live, then every 7 days while it is.
        A breach found at a check is a breach found by police (seed 000 §5.7)."""
        f = self.f
        d = f.d
        interval = f.policy.order_check_interval_days * DAY
        due = live_from + DAY
        while due < live_to and due <= f.end_ts:
            if d.chance(self.compliance(due)):
                checked = f.ok(due + int(d.uniform(-0.9, 2) * DAY))
                if checked is not None and checked > live_from:
                    breach = d.chance(0.04)
                    f.sink.add("order_checks", source_system=CONNECT, source_id=f.nid("OK"),
                               order=ref, checked_at=checked, checked_by=d.pick(f.officers),
                               victim_contacted=d.chance(0.9), subject_checked=d.chance(0.85),
                               breach_found=breach,
                               notes="Breach found; passed to the daily risk meeting."
                               if breach else "")
                    if breach:
                        self.breach(ref, rel, checked, "contempt" if d.chance(0.6) else "nfa",
                                    by="police")
            due += interval

    # --- standing orders: NMO, SPO, RO
    def restraining_on_conviction(self, crime) -> None:
        f = self.f
        d = f.d
        if crime.code not in ("1", "1A") or crime.outcome_at is None or not d.chance(0.35):
            return
        made = f.ok(crime.outcome_at + int(d.uniform(0, 60) * DAY))
        if made is not None:
            self.restraining(crime.rel, made, crime.ref, "RO")

    def restraining(self, rel: Rel, made: int, crime_ref, order_type: str) -> None:
        f = self.f
        d = f.d
        starts = day_of(made)
        ends = starts + timedelta(days=d.integer(365, 5 * 365)) if d.chance(0.75) else None
        live = ends is None or ends >= f.end
        ref = self.order(rel, order_type, made, status="live" if live else "expired",
                         crime=crime_ref, court=R.COURTS[rel.lpa], served_at=made,
                         made_on=starts, starts_on=starts, ends_on=ends)
        self.breaches_while_live(ref, rel, made, at(ends) if ends else None, 0.055,
                                 lambda dr: dr.pick(("charged", "charged", "nfa")))

    def standing(self) -> None:
        """Orders made by the courts, including those made before the history began."""
        f = self.f
        d = f.d
        years = (f.end_ts - f.start_ts) / (YEAR_DAYS * DAY)
        # Legacy restraining orders (made up to three years before the history).
        for _ in range(d.poisson(R.LEGACY_RO_PER_YEAR * f.scale * 3)):
            made = int(f.start_ts - d.uniform(0, 3) * YEAR_DAYS * DAY)
            self.restraining(f.rel_near(made), made, None, "ROA" if d.chance(0.05) else "RO")
        # Non-molestation orders: 6-12 months, from the family court.
        for _ in range(d.poisson(R.NMO_PER_YEAR * f.scale * (years + 1))):
            made = int(f.start_ts + d.uniform(-1, years) * YEAR_DAYS * DAY)
            rel = f.rel_near(made)
            starts = day_of(made)
            ends = starts + timedelta(days=d.integer(182, 365))
            ref = self.order(rel, "NMO", made, status="live" if ends >= f.end else "expired",
                             court=R.FAMILY_COURTS[rel.lpa],
                             applied_at=made - int(d.uniform(1, 14) * DAY), served_at=made,
                             made_on=starts, starts_on=starts, ends_on=ends)
            self.breaches_while_live(ref, rel, made, at(ends), 0.8,
                                     lambda dr: dr.pick(("charged", "charged", "nfa")))
        # Stalking protection orders: at least two years; some follow an interim order.
        for _ in range(d.poisson(R.SPO_PER_YEAR * f.scale * (years + 5))):
            made = int(f.start_ts + d.uniform(-5, years) * YEAR_DAYS * DAY)
            rel = f.rel_near(made)
            court = R.COURTS[rel.lpa]
            applied = made - int(d.uniform(10, 60) * DAY)
            if d.chance(0.3):
                interim = made - int(d.uniform(14, 42) * DAY)
                applied = min(applied, interim - DAY)
                self.order(rel, "ISPO", interim, status="expired", court=court,
                           applied_at=applied, served_at=interim, made_on=day_of(interim),
                           starts_on=day_of(interim),
                           ends_on=day_of(made),
                           notified_at=f.ok(interim + int(d.uniform(2, 70) * HOUR)))
            starts = day_of(made)
            ends = starts + timedelta(days=d.integer(2 * 365, 5 * 365))
            notified = made + int((d.uniform(2, 70) * HOUR) if d.chance(0.9)
                                  else d.uniform(3, 10) * DAY)
            ref = self.order(rel, "SPO", made, status="live" if ends >= f.end else "expired",
                             court=court, applied_at=applied, served_at=made, made_on=starts,
                             starts_on=starts, ends_on=ends, notified_at=f.ok(notified))
            self.breaches_while_live(ref, rel, made, at(ends), 0.3,
                                     lambda dr: dr.pick(("charged", "nfa")))
