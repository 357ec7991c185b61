"""Small builders for tests. Each returns saved model instances with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

from vigil.core.models import Area, User

LONDON = ZoneInfo("Europe/London")
_seq = itertools.count(1)

LPAS = {
    "BHM": ("Birmingham", 470_000),
    "COV": ("Coventry", 150_000),
    "DUD": ("Dudley", 130_000),
    "SAN": ("Sandwell", 135_000),
    "SOL": ("Solihull", 90_000),
    "WAL": ("Walsall", 115_000),
    "WOL": ("Wolverhampton", 110_000),
}


def at(y, m, d, hh=12, mm=0) -> datetime:
    """An aware Europe/London datetime."""
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def make_areas() -> dict[str, Area]:
    force, _ = Area.objects.get_or_create(code="WMP", defaults={
        "name": "West Midlands Police", "kind": Area.Kind.FORCE})
    out = {}
    for code, (name, women) in LPAS.items():
        out[code], _ = Area.objects.get_or_create(code=code, defaults={
            "name": name, "kind": Area.Kind.LPA, "parent": force, "local_authority": name,
            "adult_women": women})
    out["WMP"] = force
    return out


def make_user(role="analyst", area=None, username=None) -> User:
    username = username or f"{role}-{next(_seq)}"
    return User.objects.create_user(username=username, password="not-a-real-password-1",
                                    role=role, area=area)


def make_person(surname="Smith", forename="Jane", dob=date(1990, 1, 1), system="CONNECT",
                **kw):
    from vigil.people.models import Person, SourceRecord

    person = kw.pop("person", None) or Person.objects.create(
        forename=forename, surname=surname, date_of_birth=dob)
    return SourceRecord.objects.create(source_system=system, source_id=f"P{next(_seq)}",
                                       forename=forename, surname=surname, date_of_birth=dob,
                                       person=person, **kw)


def make_incident(lpa, reported_at, victim=None, suspect=None, children=(), **kw):
    from vigil.incidents.models import Incident, IncidentParty

    n = next(_seq)
    inc = Incident.objects.create(source_system="CONTROL", source_id=f"I{n}",
                                  reference=f"LOG-{n}", reported_at=reported_at,
                                  grade=kw.pop("grade", "priority"), lpa=lpa, **kw)
    if victim:
        IncidentParty.objects.create(incident=inc, person=victim, role="victim")
    if suspect:
        IncidentParty.objects.create(incident=inc, person=suspect, role="suspect",
                                     relationship="intimate_partner")
    for child in children:
        IncidentParty.objects.create(incident=inc, person=child, role="child")
    return inc


def make_crime(lpa, recorded_at, victim=None, suspect=None, incident=None,
               offence_group="violence_with_injury", **kw):
    from vigil.incidents.models import Crime, CrimeParty

    n = next(_seq)
    kw.setdefault("is_domestic_abuse", True)
    crime = Crime.objects.create(source_system="CONNECT", source_id=f"C{n}",
                                 reference=f"20/{n}/26", recorded_at=recorded_at,
                                 offence_group=offence_group, offence="Assault", lpa=lpa,
                                 incident=incident, **kw)
    if victim:
        CrimeParty.objects.create(crime=crime, person=victim, role="victim")
    if suspect:
        CrimeParty.objects.create(crime=crime, person=suspect, role="suspect",
                                  relationship="intimate_partner")
    return crime
