"""Read side for people: which persons a user may see, and the person page's timeline.

A person is visible to an area-scoped user when any of the person's source
records appears in a record of the user's LPA: an incident or crime they are a
party to, an order against or protecting them, a MARAC referral, a Clare's Law
application, or an Encompass notification to their local authority. Force-wide
users see everyone; users whose role may not open person pages see no one.

Once a person is visible, the page shows their whole history (earlier incidents
elsewhere are risk-relevant), but links only to records the user may open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from vigil.core import record_links as records
from vigil.core import records as made
from vigil.core import roles
from vigil.disclosure.models import DvdsApplication
from vigil.encompass.models import EncompassNotification
from vigil.incidents.models import Arrest, CrimeParty, IncidentParty
from vigil.marac.models import MaracReferral
from vigil.orders.models import ProtectedPerson, ProtectiveOrder
from vigil.people.models import Person, ReviewPair, SourceRecord, Vulnerability
from vigil.risk.models import RiskAssessment
from vigil.victims.models import VictimCare


def _lpa_presence(lpa_ids) -> Q:
    """Persons with a record in one of these LPAs, as EXISTS subqueries (no row fan-out)."""
    mine = {"person__person": OuterRef("pk")}
    checks = [
        IncidentParty.objects.filter(incident__lpa__in=lpa_ids, **mine),
        CrimeParty.objects.filter(crime__lpa__in=lpa_ids, **mine),
        ProtectiveOrder.objects.filter(lpa__in=lpa_ids, subject__person=OuterRef("pk")),
        ProtectiveOrder.objects.filter(lpa__in=lpa_ids,
                                       protected_persons__person__person=OuterRef("pk")),
        MaracReferral.objects.filter(Q(victim__person=OuterRef("pk"))
                                     | Q(perpetrator__person=OuterRef("pk")), lpa__in=lpa_ids),
        DvdsApplication.objects.filter(Q(person_at_risk__person=OuterRef("pk"))
                                       | Q(subject__person=OuterRef("pk"))
                                       | Q(applicant__person=OuterRef("pk")), lpa__in=lpa_ids),
        EncompassNotification.objects.filter(local_authority__in=lpa_ids,
                                             child__person=OuterRef("pk")),
    ]
    q = Q()
    for check in checks:
        q |= Exists(check)
    return q


def _presence_arms() -> list[tuple[list[str], str, str, str]]:
    """([tables with aliases], join condition, source-record column, LPA column) for each
    way a person has a record in an LPA: the same list as _lpa_presence, as SQL for
    persons_in_area and area_persons_sql."""
    t = {m.__name__: m._meta.db_table for m in (
        IncidentParty, CrimeParty, ProtectiveOrder, ProtectedPerson, MaracReferral,
        DvdsApplication, EncompassNotification)}
    incident = IncidentParty._meta.get_field("incident").related_model._meta.db_table
    crime = CrimeParty._meta.get_field("crime").related_model._meta.db_table
    return [
        ([f"{t['IncidentParty']} x", f"{incident} r"], "r.id = x.incident_id", "x.person_id",
         "r.lpa_id"),
        ([f"{t['CrimeParty']} x", f"{crime} r"], "r.id = x.crime_id", "x.person_id", "r.lpa_id"),
        ([f"{t['ProtectiveOrder']} x"], "1 = 1", "x.subject_id", "x.lpa_id"),
        ([f"{t['ProtectedPerson']} x", f"{t['ProtectiveOrder']} r"], "r.id = x.order_id",
         "x.person_id", "r.lpa_id"),
        ([f"{t['MaracReferral']} x"], "1 = 1", "x.victim_id", "x.lpa_id"),
        ([f"{t['MaracReferral']} x"], "1 = 1", "x.perpetrator_id", "x.lpa_id"),
        ([f"{t['DvdsApplication']} x"], "1 = 1", "x.person_at_risk_id", "x.lpa_id"),
        ([f"{t['DvdsApplication']} x"], "1 = 1", "x.subject_id", "x.lpa_id"),
        ([f"{t['DvdsApplication']} x"], "1 = 1", "x.applicant_id", "x.lpa_id"),
        ([f"{t['EncompassNotification']} x"], "1 = 1", "x.child_id", "x.local_authority_id"),
    ]


def persons_in_area(person_ids, lpa_ids) -> set[int]:
    """Which of these persons have a record in one of these LPAs.

    The same answer as visible_persons for an area-scoped user, asked from the
    other side: from the given persons' source records to their records, each arm
    index lookups. visible_persons' EXISTS subqueries, ORed, made PostgreSQL hash
    every person of the area for each search (582 ms against 35 ms force-wide on
    the demo). CROSS JOIN keeps SQLite's join order, and the unary + keeps both
    databases off the area's index (otherwise SQLite, for the big LPA, scanned every
    Encompass notification and Clare's Law application of the area for each record)."""
    from vigil.people.search_candidates import in_list, rows

    person_ids, lpa_ids = sorted(set(person_ids)), sorted(set(lpa_ids))
    if not person_ids or not lpa_ids:
        return set()
    persons, p_params = in_list("sr.person_id", person_ids)
    lpas, l_params = in_list("{lpa}", lpa_ids)
    sr = SourceRecord._meta.db_table
    arms, params = [], []
    for tables, join, record_col, lpa_col in _presence_arms():
        arms.append(f"SELECT sr.person_id FROM {sr} sr CROSS JOIN {' CROSS JOIN '.join(tables)} "
                    f"WHERE {join} AND {record_col} = sr.id AND {persons} "
                    f"AND {lpas.format(lpa='+' + lpa_col)}")
        params += [*p_params, *l_params]
    return {row[0] for row in rows(" UNION ".join(arms), params)}


def area_persons_sql(lpa_ids) -> tuple[str, list]:
    """SQL for the ids of every person with a record in these LPAs, and its parameters
    (for `person__in=RawSQL(...)`: computed once per query, not per row)."""
    from vigil.people.search_candidates import in_list

    lpas, l_params = in_list("{lpa}", sorted(set(lpa_ids)))
    sr = SourceRecord._meta.db_table
    arms, params = [], []
    for tables, join, record_col, lpa_col in _presence_arms():
        arms.append(f"SELECT sr.person_id FROM {', '.join(tables)}, {sr} sr WHERE {join} "
                    f"AND sr.id = {record_col} AND {lpas.format(lpa=lpa_col)}")
        params += l_params
    return " UNION ".join(arms), params


def visible_persons(user) -> QuerySet[Person]:
    """The persons this user may open, scoped by role and area."""
    if not roles.can(user, roles.VIEW_PERSON):
        return Person.objects.none()
    lpa_ids = roles.area_ids(user)
    if lpa_ids is None:
        return Person.objects.all()
    if not lpa_ids:
        return Person.objects.none()
    return Person.objects.filter(_lpa_presence(sorted(lpa_ids)))


def visible_review_pairs(user) -> QuerySet[ReviewPair]:
    """Open linkage questions this user may see and decide: a pair with a record of a
    person in their area (every pair for force-wide reviewers)."""
    if not roles.can(user, roles.MANAGE_LINKAGE):
        return ReviewPair.objects.none()
    lpa_ids = roles.area_ids(user)
    if lpa_ids is None:
        return ReviewPair.objects.all()
    if not lpa_ids:
        return ReviewPair.objects.none()
    # The area's persons once (a hashed set), not a correlated check per pair: SQLite
    # took over 30 s for the demo's queue that way.
    sql, params = area_persons_sql(lpa_ids)
    return ReviewPair.objects.filter(Q(record_a__person__in=RawSQL(sql, params))
                                     | Q(record_b__person__in=RawSQL(sql, params)))


# --- The timeline ---------------------------------------------------------------

@dataclass
class Entry:
    """One thing that happened, from one source system."""

    at: datetime
    kind: str          # incident, crime, risk, arrest, order, marac, encompass, dvds, ...
    source_system: str
    title: str
    lines: list[str] = field(default_factory=list)
    url: str = ""
    # Set when the record belongs to an LPA outside the user's area.
    outside_area: bool = False
    source_id: str = ""
    # The source holds a date, not a time: shown without 00:00.
    date_only: bool = False
    # The force's reference, or when and by whom a record made in Vigil was made.
    reference: str = ""


# The timeline's kinds, as its filter names them, in the order offered.
KIND_LABELS = {
    "incident": "Incidents", "crime": "Crimes", "risk": "Risk assessments",
    "arrest": "Arrests and bail", "order": "Orders", "marac": "MARAC",
    "dvds": "Clare's Law", "encompass": "Operation Encompass", "victims": "Victims' Code",
    "vulnerability": "Vulnerabilities",
}


@dataclass
class PersonView:
    person: Person
    source_records: list[SourceRecord]
    timeline: list[Entry]
    counts: dict[str, int]
    # Records the loaders read, by kind, for the summary (vigil.people.summary).
    seen: dict[str, list] = field(default_factory=dict)
    sr_ids: list[int] = field(default_factory=list)


def _dt(d: date | datetime | None) -> datetime | None:
    """Dates sort as the start of their day, London time."""
    if d is None or isinstance(d, datetime):
        return d
    return datetime.combine(d, time.min, tzinfo=timezone.get_default_timezone())


def _fmt_date(d) -> str:
    return d.strftime("%d %b %Y") if d else "not set"


class _Builder:
    def __init__(self, user, sr_ids: list[int]):
        self.user = user
        self.sr_ids = sr_ids
        self.allowed = roles.area_ids(user)
        self.can_open_incidents = roles.can(user, roles.VIEW_INCIDENT)
        self.can_open_records = roles.can(user, records.CAPABILITY)
        self.entries: list[Entry] = []
        # Entries for records made in Vigil, by model: their references read in one go.
        self.made: dict[type, list[tuple[int, Entry]]] = {}
        # The records the summary at the top of the page reads (no second query).
        self.seen: dict[str, list] = {}

    def outside(self, lpa_id) -> bool:
        return self.allowed is not None and lpa_id not in self.allowed

    def incident_url(self, incident) -> str:
        if incident is None or not self.can_open_incidents or self.outside(incident.lpa_id):
            return ""
        return reverse("incidents:detail", args=[incident.pk])

    def record_url(self, url_name: str, pk: int, *lpa_ids) -> str:
        """A record page's URL, when the user may open it (role, and area by any LPA)."""
        if not self.can_open_records or (self.allowed is not None and not any(
                i in self.allowed for i in lpa_ids if i is not None)):
            return ""
        return reverse(url_name, args=[pk])

    def add(self, at, kind, record, title, lines, *, url="", lpa_id=None):
        when = _dt(at)
        if when is None:
            return
        entry = Entry(
            at=when, kind=kind, source_system=record.source_system, title=title,
            lines=[line for line in lines if line], url=url,
            outside_area=lpa_id is not None and self.outside(lpa_id),
            source_id=record.source_id, date_only=not isinstance(at, datetime),
        )
        if record.source_system == made.VIGIL:
            self.made.setdefault(type(record), []).append((record.pk, entry))
        else:
            entry.reference = made.human_reference(record)
        self.entries.append(entry)

    def name_records_made_in_vigil(self):
        for model, items in self.made.items():
            refs = made.made_in_vigil(model, [pk for pk, _ in items])
            for pk, entry in items:
                entry.reference = refs.get(pk, "made in Vigil")

    # Each loader runs one query (two for orders, whose conditions are prefetched).

    def incidents(self):
        roles_by_incident: dict[int, list[str]] = {}
        incidents = {}
        for party in (IncidentParty.objects.filter(person__in=self.sr_ids)
                      .select_related("incident__lpa")):
            roles_by_incident.setdefault(party.incident_id, []).append(party.get_role_display())
            incidents[party.incident_id] = party.incident
        for pk, inc in incidents.items():
            self.add(inc.reported_at, "incident", inc,
                     f"Incident {inc.reference} ({inc.get_grade_display()})",
                     [f"As {', '.join(sorted(set(roles_by_incident[pk]))).lower()}",
                      f"{inc.location or 'Location not recorded'}, {inc.lpa}"],
                     url=self.incident_url(inc), lpa_id=inc.lpa_id)

    def crimes(self):
        roles_by_crime: dict[int, list[str]] = {}
        crimes = {}
        for party in (CrimeParty.objects.filter(person__in=self.sr_ids)
                      .select_related("crime__lpa", "crime__outcome__code", "crime__incident")):
            roles_by_crime.setdefault(party.crime_id, []).append(party.get_role_display())
            crimes[party.crime_id] = party.crime
        for pk, crime in crimes.items():
            outcome = getattr(crime, "outcome", None)
            outcome_text = (f"Outcome {outcome.code.code}: {outcome.code.label} "
                            f"({_fmt_date(outcome.outcome_at)})" if outcome else "No outcome yet")
            self.add(crime.recorded_at, "crime", crime,
                     f"Crime {crime.reference}: {crime.offence}",
                     [f"{crime.get_offence_group_display()}"
                      f"{'' if crime.is_domestic_abuse else ' (not flagged DA)'}"
                      f" – as {', '.join(sorted(set(roles_by_crime[pk]))).lower()}",
                      outcome_text, str(crime.lpa)],
                     url=self.incident_url(crime.incident), lpa_id=crime.lpa_id)

    def risk_assessments(self):
        for ra in (RiskAssessment.objects.filter(victim__in=self.sr_ids)
                   .select_related("incident", "crime")):
            about = ra.incident or ra.crime
            lines = [f"Score {ra.yes_count} yes; actuarial {ra.get_actuarial_level_display()}, "
                     f"officer {ra.get_officer_level_display()}"
                     + (f", supervisor {ra.get_supervisor_level_display()}"
                        if ra.supervisor_level else ""),
                     f"Final level {ra.get_final_level_display()}, set by {ra.final_set_by}",
                     f"Assessed by {ra.officer}" + (f"; reviewed by {ra.supervisor}"
                                                    if ra.supervisor else "; not yet supervised"),
                     f"For {about}" if about else ""]
            if ra.judgement_reason:
                lines.append(f"Professional judgement: {ra.judgement_reason}")
            self.add(ra.assessed_at, "risk", ra,
                     f"{ra.get_instrument_display().split(' (')[0]} risk assessment: "
                     f"{ra.get_final_level_display()} risk",
                     lines, url=self.incident_url(ra.incident))
            self.seen.setdefault("risk", []).append(ra)

    def arrests(self):
        # Two index lookups, then the rows by key: an OR across the crime-party join
        # with DISTINCT made PostgreSQL scan every arrest (70 ms a page at full scale).
        victim_crimes = CrimeParty.objects.filter(person__in=self.sr_ids, role="victim")
        ids = set(Arrest.objects.filter(suspect__in=self.sr_ids).values_list("pk", flat=True))
        ids |= set(Arrest.objects.filter(crime__in=victim_crimes.values("crime_id"))
                   .values_list("pk", flat=True))
        arrests = (Arrest.objects.filter(pk__in=ids)
                   .select_related("suspect", "crime__lpa", "bail", "for_breach_of"))
        for arrest in arrests:
            own = arrest.suspect_id in self.sr_ids
            title = ("Arrested" if own else
                     f"Suspect {arrest.suspect.forename} {arrest.suspect.surname} arrested")
            lines = [f"For crime {arrest.crime.reference}" if arrest.crime else "",
                     f"For breach of {arrest.for_breach_of}" if arrest.for_breach_of else "",
                     f"Disposal: {arrest.get_disposal_display()}" if arrest.disposal
                     else "Disposal not yet recorded"]
            bail = getattr(arrest, "bail", None)
            if bail is not None:
                lines.append(f"Bail granted {_fmt_date(bail.granted_at)}, return "
                             f"{_fmt_date(bail.return_on)}"
                             + (f"; conditions: {bail.conditions}" if bail.conditions else ""))
                lines.append("Victim's views captured" if bail.victim_views_captured
                             else "Victim's views not captured")
            lpa_ids = (arrest.crime.lpa_id if arrest.crime else None,
                       arrest.for_breach_of.lpa_id if arrest.for_breach_of else None)
            self.add(arrest.arrested_at, "arrest", arrest, title, lines,
                     url=self.record_url("incidents:arrest", arrest.pk, *lpa_ids),
                     lpa_id=next((i for i in lpa_ids if i is not None), None))

    def orders(self):
        ids = set(ProtectiveOrder.objects.filter(subject__in=self.sr_ids)
                  .values_list("pk", flat=True))
        ids |= set(ProtectedPerson.objects.filter(person__in=self.sr_ids)
                   .values_list("order_id", flat=True))
        orders = (ProtectiveOrder.objects.filter(pk__in=ids)
                  .select_related("lpa").prefetch_related("conditions").order_by("pk"))
        for order in orders:
            own = order.subject_id in self.sr_ids
            lines = [f"Status: {order.get_status_display()}",
                     f"{'Against this person' if own else 'Protecting this person'}, {order.lpa}",
                     f"From {_fmt_date(order.starts_on)} to "
                     f"{_fmt_date(order.ends_on) if order.ends_on else 'further order'}"
                     if order.starts_on else "",
                     f"Hearing {_fmt_date(order.hearing_at)}" if order.hearing_at else ""]
            lines += [f"Condition {c.number} ({c.get_kind_display()}): {c.text}"
                      for c in order.conditions.all()]
            self.add(order.served_at or order.applied_at or order.starts_on, "order", order,
                     order.get_order_type_display(), lines, lpa_id=order.lpa_id,
                     url=self.record_url("orders:detail", order.pk, order.lpa_id))
            self.seen.setdefault("orders", []).append((order, own))

    def marac(self):
        referrals = (MaracReferral.objects
                     .filter(Q(victim__in=self.sr_ids) | Q(perpetrator__in=self.sr_ids))
                     .select_related("lpa", "meeting", "risk_assessment"))
        for ref in referrals:
            criteria = [label for flag, label in (
                (ref.visible_high_risk, "visible high risk"),
                (ref.professional_judgement, "professional judgement"),
                (ref.potential_escalation, "potential escalation"),
                (ref.repeat_referral, "repeat")) if flag]
            role = "victim" if ref.victim_id in self.sr_ids else "perpetrator"
            self.seen.setdefault("marac", []).append((ref, role))
            url = self.record_url("marac:referral", ref.pk, ref.lpa_id)
            self.add(ref.referred_on, "marac", ref, f"MARAC referral ({ref.lpa})",
                     [f"As {role}; by {ref.referring_agency}",
                      f"Criteria: {', '.join(criteria)}",
                      f"Status: {ref.get_status_display()}",
                      f"IDVA referred {_fmt_date(ref.idva_referred_on)}"
                      if ref.idva_referred_on else "No IDVA referral recorded"],
                     url=url, lpa_id=ref.lpa_id)
            if ref.heard_on:
                self.add(ref.heard_on, "marac", ref, f"MARAC hearing ({ref.lpa})",
                         [f"Heard {(ref.heard_on - ref.referred_on).days} days after referral"],
                         url=url, lpa_id=ref.lpa_id)
            elif ref.meeting is not None:
                self.add(ref.meeting.held_on, "marac", ref, f"MARAC hearing listed ({ref.lpa})",
                         [f"Meeting {_fmt_date(ref.meeting.held_on)}"], url=url,
                         lpa_id=ref.lpa_id)

    def encompass(self):
        for n in (EncompassNotification.objects.filter(child__in=self.sr_ids)
                  .select_related("incident", "school", "local_authority")):
            to = n.school.name if n.school else f"{n.local_authority} (home educated)"
            self.add(n.incident.reported_at, "encompass", n,
                     "Operation Encompass notification",
                     [f"To {to}",
                      f"Notified {_fmt_date(n.notified_at)} by {n.notified_by}"
                      if n.notified_at else "Not yet notified",
                      "Child present" if n.child_present else "Child not present",
                      f"About incident {n.incident.reference}"],
                     url=self.record_url("encompass:notification", n.pk, n.local_authority_id),
                     lpa_id=n.local_authority_id)

    def dvds(self):
        apps = (DvdsApplication.objects
                .filter(Q(person_at_risk__in=self.sr_ids) | Q(subject__in=self.sr_ids)
                        | Q(applicant__in=self.sr_ids))
                .select_related("lpa"))
        for app in apps:
            if app.person_at_risk_id in self.sr_ids:
                role = "person at risk"
            elif app.subject_id in self.sr_ids:
                role = "subject"
            else:
                role = "applicant"
            self.add(app.received_at, "dvds", app,
                     f"Clare's Law: {app.get_route_display()}",
                     [f"As {role}; applicant: {app.get_applicant_type_display().lower()}",
                      f"Decision: {app.get_decision_display()} ({_fmt_date(app.decided_at)})"
                      if app.decision else "Awaiting decision",
                      f"Disclosed {_fmt_date(app.disclosed_at)}" if app.disclosed_at else "",
                      str(app.lpa)],
                     url=self.record_url("disclosure:application", app.pk, app.lpa_id),
                     lpa_id=app.lpa_id)

    def victim_care(self):
        cares = (VictimCare.objects.filter(victim__in=self.sr_ids)
                 .select_related("crime__incident")
                 .annotate(n_updates=Count("updates"), last_update=Max("updates__told_at")))
        for care in cares:
            self.add(care.needs_assessed_at or care.crime.recorded_at, "victims", care,
                     f"Victims' Code: crime {care.crime.reference}",
                     ["Needs assessed" if care.needs_assessed_at else "Needs not yet assessed",
                      f"Contact plan: {care.contact_plan}" if care.contact_plan
                      else "No contact plan",
                      f"Referred to {care.support_service or 'support'} "
                      f"{_fmt_date(care.support_referred_at)}" if care.support_referred_at
                      else "Not referred to support",
                      f"{care.n_updates} update{'s' if care.n_updates != 1 else ''}"
                      + (f", last {_fmt_date(care.last_update)}" if care.last_update else "")],
                     url=self.incident_url(care.crime.incident), lpa_id=care.crime.lpa_id)

    def vulnerabilities(self):
        for v in Vulnerability.objects.filter(subject__in=self.sr_ids):
            self.add(v.recorded_on, "vulnerability", v,
                     f"Vulnerability: {v.get_factor_display()}",
                     [f"Source: {v.source}",
                      f"Until {_fmt_date(v.ends_on)}" if v.ends_on else "Current"])


LOADERS = ("incidents", "crimes", "risk_assessments", "arrests", "orders", "marac",
           "encompass", "dvds", "victim_care", "vulnerabilities")


def person_view(user, person_id: int) -> PersonView | None:
    """The person page, or None when the person does not exist or is out of scope."""
    if not roles.can(user, roles.VIEW_PERSON):
        return None
    person = Person.objects.filter(pk=person_id).first()
    allowed = roles.area_ids(user)
    if person is None or (allowed is not None and not persons_in_area([person.pk], allowed)):
        return None
    source_records = list(person.source_records.order_by("source_system", "source_id"))
    builder = _Builder(user, [s.pk for s in source_records])
    if builder.sr_ids:
        for name in LOADERS:
            getattr(builder, name)()
        builder.name_records_made_in_vigil()
    timeline = sorted(builder.entries, key=lambda e: (e.at, e.kind, e.source_id), reverse=True)
    counts: dict[str, int] = {}
    for entry in timeline:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return PersonView(person=person, source_records=source_records, timeline=timeline,
                      counts=counts, seen=builder.seen, sr_ids=builder.sr_ids)


def person_exists(person_id: int) -> bool:
    return Person.objects.filter(pk=person_id).exists()
