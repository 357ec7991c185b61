"""Find people: by name (fuzzy, phonetic, nicknames), full or partial date of birth,
phone, address or postcode, alone or combined.

Candidates come from indexed lookups on LinkKey (the same normal forms linkage
uses; trigram indexes on PostgreSQL, see migration 0003): one bounded query per
criterion (and, for a combined search, for all criteria and for name with each
other one), merged in Python; then each candidate record is scored and each
person ranked by their best record. A hit
says why it matched and shows the person's roles, current risk, live orders and
MARAC status. Results are scoped by the user's role and area
(vigil.people.queries.visible_persons) and every search is audited.
"""

from __future__ import annotations

import calendar
import contextlib
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import jellyfish
from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.lookups import PostgresOperatorLookup

from vigil.core import audit, roles
from vigil.people.linkage import normalise
from vigil.people.models import LinkKey, Person

CANDIDATE_CAP = 500  # per lookup: a search that broad should be narrowed
MAX_CANDIDATES = 2000  # all lookups together; later (broader) lookups are skipped
RESULT_LIMIT = 25
FUZZY = 0.85  # Jaro-Winkler for "similar spelling"


class SearchError(ValueError):
    """A search that cannot run as typed (the message says which field and why)."""


@dataclass(frozen=True)
class DobQuery:
    start: date
    end: date
    exact: date | None
    label: str


_DOB_FORMATS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{1,2})[/.\- ](\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{4})$"), ("y",)),
]


def parse_dob(text: str) -> DobQuery | None:
    """"04/03/1990", "1990-03-04", "03/1990", "1990-03" or "1990" (UK day-first)."""
    text = text.strip()
    if not text:
        return None
    for pattern, parts in _DOB_FORMATS:
        m = pattern.match(text)
        if not m:
            continue
        v = {k: int(x) for k, x in zip(parts, m.groups(), strict=True)}
        try:
            if "d" in v:
                d = date(v["y"], v["m"], v["d"])
                return DobQuery(d, d, d, f"born {d:%d %b %Y}")
            if "m" in v:
                last = calendar.monthrange(v["y"], v["m"])[1]
                start = date(v["y"], v["m"], 1)
                return DobQuery(start, date(v["y"], v["m"], last), None,
                                f"born in {start:%B %Y}")
            return DobQuery(date(v["y"], 1, 1), date(v["y"], 12, 31), None,
                            f"born in {v['y']}")
        except ValueError as exc:
            raise SearchError(f"date of birth {text!r}: {exc}") from exc
    raise SearchError(f"date of birth {text!r}: use DD/MM/YYYY, MM/YYYY or YYYY")


@dataclass(frozen=True)
class SearchQuery:
    name: str = ""
    dob: str = ""
    phone: str = ""
    postcode: str = ""
    address: str = ""

    @classmethod
    def from_params(cls, params) -> SearchQuery:
        return cls(**{f: (params.get(f) or "").strip()[:200] for f in
                      ("name", "dob", "phone", "postcode", "address")})

    @property
    def is_empty(self) -> bool:
        return not any((self.name, self.dob, self.phone, self.postcode, self.address))

    def terms(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class _Parsed:
    forename: str = ""
    surname: str = ""
    single: str = ""  # one word: a forename or a surname
    dob: DobQuery | None = None
    phone: str = ""
    postcode: str = ""
    address: str = ""

    @property
    def criteria(self) -> list[str]:
        out = []
        if self.forename or self.surname or self.single:
            out.append("name")
        for f in ("dob", "phone", "postcode", "address"):
            if getattr(self, f):
                out.append(f)
        return out


def _parse(q: SearchQuery) -> _Parsed:
    p = _Parsed()
    words = [normalise.surname(w) for w in re.split(r"[\s,]+", q.name) if normalise.surname(w)]
    if "," in q.name and len(words) >= 2:  # "Smith, Jane"
        p.surname, p.forename = words[0], words[1]
    elif len(words) >= 2:
        p.forename, p.surname = words[0], words[-1]
    elif words:
        p.single = words[0]
    p.dob = parse_dob(q.dob)
    if q.phone:
        p.phone = normalise.phone(q.phone)
        if len(p.phone) < 6:
            raise SearchError(f"phone {q.phone!r}: give at least 6 digits")
    if q.postcode:
        p.postcode = normalise.postcode(q.postcode)
        if len(p.postcode) < 2:
            raise SearchError(f"postcode {q.postcode!r}: give at least the district, e.g. B15")
    if q.address:
        p.address = normalise.address(q.address)
        if len(p.address) < 3:
            raise SearchError(f"address {q.address!r}: give at least 3 characters")
    return p


# --- candidates ------------------------------------------------------------------
#
# Each criterion is one bounded query whose OR arms are all plain conditions on
# people_linkkey columns, so PostgreSQL answers it from the btree and pg_trgm
# indexes (a bitmap OR/AND of index scans) instead of scanning the table; an
# earlier version put the trigram arms in `pk IN (subquery)`, which forced a
# full scan at 200,000 persons. Candidate record ids are merged in Python.

class _Similar(PostgresOperatorLookup):
    """`column % value`: pg_trgm similarity, answered by the GIN indexes of 0003."""

    lookup_name = "vigil_trigram_similar"
    postgres_operator = "%%"


def _trigram(column: str, value: str) -> Q:
    """PostgreSQL trigram similarity; nothing elsewhere (SQLite has no pg_trgm)."""
    if connection.vendor != "postgresql":
        return Q(pk__in=[])
    return Q(_Similar(F(column), Value(value)))


def _surname_q(s: str) -> Q:
    return (Q(surname=s) | Q(surname_sound=_phonetic(s))
            | Q(surname__gte=s, surname__lt=s + "~") | _trigram("surname", s))


def _forename_q(f: str) -> Q:
    # No forename_sound arm: that column has no index, so it would scan the table
    # (it is a fallback, see _fallbacks).
    return Q(forename__in=sorted(_variants(f))) | _trigram("forename", f)


def _candidate_queries(p: _Parsed) -> dict[str, Q]:
    """criterion -> an indexed LinkKey lookup."""
    qs: dict[str, Q] = {}
    if p.surname:
        qs["name"] = _surname_q(p.surname) | Q(surname=p.forename, forename=p.surname)
    elif p.single:
        qs["name"] = _surname_q(p.single) | _forename_q(p.single)
    if p.dob:
        if p.dob.exact:
            d = p.dob.exact
            q = Q(date_of_birth=d)
            if d.day <= 12 and d.day != d.month:
                q |= Q(date_of_birth=date(d.year, d.day, d.month))
            qs["dob"] = q
        else:
            qs["dob"] = Q(date_of_birth__range=(p.dob.start, p.dob.end))
    if p.phone:
        qs["phone"] = Q(phone=p.phone) if len(p.phone) >= 10 else Q(phone__endswith=p.phone)
    if p.postcode:
        qs["postcode"] = (Q(postcode=p.postcode) | Q(postcode_outward=p.postcode)
                          | Q(postcode__gte=p.postcode, postcode__lt=p.postcode + "~"))
    if p.address:
        # Both sides are lower case (normalise.address); a plain LIKE is served by the
        # address trigram index, where Django's icontains (UPPER(...) LIKE) is not.
        qs["address"] = Q(address__contains=p.address)
    return qs


def _fallbacks(p: _Parsed) -> dict[str, Q]:
    """Slower lookups asked only when no candidate matched the criterion itself: trigram
    similarity over every address costs about a second at 300,000 records, and
    forename_sound has no index."""
    out = {}
    if p.single:
        out["name"] = Q(forename_sound=_phonetic(p.single))
    if p.address and connection.vendor == "postgresql":
        out["address"] = _trigram("address", p.address)
    return out


def _exact_name_q(p: _Parsed) -> Q | None:
    """The person as typed (surname exact, forename or a nickname of it): asked on its
    own so a common surname's other bearers cannot crowd them out of the cap."""
    if not p.surname:
        return None
    return (Q(surname=p.surname, forename__in=sorted(_variants(p.forename)))
            | Q(surname=p.forename, forename=p.surname))


def _lookups(p: _Parsed) -> list[Q]:
    """The lookups to run, narrowest first: a combined search asks for records matching
    every criterion (all of them, then name with each other criterion) before any one
    alone. Each is one index-friendly query, bounded by CANDIDATE_CAP."""
    qs = _candidate_queries(p)
    out = []
    if len(qs) >= 2:
        combined = Q()
        for q in qs.values():
            combined &= q
        out.append(combined)
        if "name" in qs:
            out += [qs["name"] & q for c, q in qs.items() if c != "name"]
    exact = _exact_name_q(p)
    if exact is not None:
        out.append(exact)
    return out + list(qs.values())


@functools.lru_cache(maxsize=4096)
def _phonetic(name: str) -> str:
    return normalise.phonetic(name)


@functools.lru_cache(maxsize=4096)
def _variants(name: str) -> frozenset[str]:
    return frozenset(normalise.name_variants(name))


# A LinkKey row as fetched: a named tuple of _KEY_FIELDS plus "pid" (the person id).
KeyRow = Any

# --- scoring ---------------------------------------------------------------------

@dataclass
class Hit:
    person: Person
    score: float
    matched: list[str]  # the criteria this person matched
    reasons: list[str]
    roles: list[str] = field(default_factory=list)
    risk: str = ""
    live_orders: list[str] = field(default_factory=list)
    marac: str = ""
    source_count: int = 0


def _jw(a: str, b: str) -> float:
    return jellyfish.jaro_winkler_similarity(a, b) if a and b else 0.0


def _name_score(fore: str, sur: str, key: KeyRow) -> tuple[float, list[str]]:
    score, why = 0.0, []
    if sur:
        if key.surname == sur:
            score, why = 1.0, ["surname exact"]
        elif fore and key.surname == fore and key.forename == sur:
            return 1.8, ["forename and surname swapped"]
        elif key.surname_sound and key.surname_sound == _phonetic(sur):
            score, why = 0.8, [f"surname sounds like {sur.title()}"]
        elif _jw(key.surname, sur) >= FUZZY:
            score, why = 0.7, [f"surname spelt like {sur.title()}"]
        elif key.surname.startswith(sur):
            score, why = 0.6, [f"surname starts {sur.title()}"]
        else:
            return 0.0, []
    if fore:
        if key.forename == fore:
            score += 1.0
            why.append("forename exact")
        elif key.forename in _variants(fore):
            score += 0.9
            why.append(f"{key.forename.title()} is a form of {fore.title()}")
        elif key.forename_sound and key.forename_sound == _phonetic(fore):
            score += 0.8
            why.append(f"forename sounds like {fore.title()}")
        elif _jw(key.forename, fore) >= FUZZY:
            score += 0.7
            why.append(f"forename spelt like {fore.title()}")
        elif key.forename[:1] == fore[:1]:
            score += 0.3
            why.append("same initial")
    return score, why


def _score(p: _Parsed, key: KeyRow) -> tuple[float, list[str], list[str]]:
    total, reasons, matched = 0.0, [], []

    def add(criterion: str, score: float, why: list[str]) -> None:
        nonlocal total
        if score > 0:
            total += score
            reasons.extend(why)
            matched.append(criterion)

    if p.forename or p.surname:
        add("name", *_name_score(p.forename, p.surname, key))
    elif p.single:
        as_surname = _name_score("", p.single, key)
        as_forename = _name_score(p.single, "", key)
        add("name", *max(as_surname, as_forename, key=lambda t: t[0]))
    if p.dob and key.date_of_birth:
        d = key.date_of_birth
        if p.dob.exact and d == p.dob.exact:
            add("dob", 1.5, ["date of birth exact"])
        elif p.dob.exact and (d.year, d.month, d.day) == (p.dob.exact.year, p.dob.exact.day,
                                                          p.dob.exact.month):
            add("dob", 1.0, ["date of birth with day and month swapped"])
        elif not p.dob.exact and p.dob.start <= d <= p.dob.end:
            add("dob", 1.0, [p.dob.label])
    if p.phone and key.phone:
        if key.phone == p.phone:
            add("phone", 2.0, ["phone number"])
        elif len(p.phone) < 10 and key.phone.endswith(p.phone):
            add("phone", 1.0, [f"phone ending {p.phone}"])
    if p.postcode and key.postcode:
        if key.postcode == p.postcode:
            add("postcode", 1.0, ["postcode exact"])
        elif key.postcode_outward == p.postcode or key.postcode.startswith(p.postcode):
            add("postcode", 0.6, [f"postcode in {p.postcode}"])
    if p.address and key.address:
        if p.address in key.address:
            add("address", 1.0, ["address contains the words"])
        elif _jw(key.address, p.address) >= FUZZY:
            add("address", 0.6, ["similar address"])
    return total, reasons, matched


# --- the search ------------------------------------------------------------------

@dataclass
class SearchResult:
    query: SearchQuery
    hits: list[Hit]
    candidates: int
    truncated: bool  # a lookup hit CANDIDATE_CAP (or all hit MAX_CANDIDATES): narrow it


def search(user, query: SearchQuery, *, as_of: datetime, context: str = "",
           limit: int = RESULT_LIMIT) -> SearchResult:
    """Ranked, scoped, audited person search. Raises SearchError on unusable input,
    PermissionError when the user's role may not search."""
    if not roles.can(user, roles.SEARCH):
        raise PermissionError("your role does not allow searching for people")
    if query.is_empty:
        raise SearchError("give a name, date of birth, phone, postcode or address")
    p = _parse(query)
    keys: dict[int, KeyRow] = {}
    person_of: dict[int, int] = {}
    truncated = False
    with transaction.atomic(), _index_scans_only():
        for q in _lookups(p):
            if len(keys) >= MAX_CANDIDATES:
                truncated = True
                break
            truncated |= _fetch(q, keys, person_of)
        scores = {rid: _score(p, key) for rid, key in keys.items()}
        for criterion, q in _fallbacks(p).items():
            if not any(criterion in sc[2] for sc in scores.values()):
                truncated |= _fetch(q, keys, person_of)
    scores.update({rid: _score(p, key) for rid, key in keys.items() if rid not in scores})
    best: dict[int, tuple[float, list[str], list[str]]] = {}
    for rid, scored in scores.items():
        pid = person_of[rid]  # None for a record not yet given a person
        if pid is None or scored[0] <= 0:
            continue
        if pid not in best or _rank(scored) > _rank(best[pid]):
            best[pid] = scored
    ranked = _visible_top(user, sorted(best, key=lambda pid: (_rank(best[pid]), -pid),
                                       reverse=True), limit)
    hits = _hits(ranked, best, as_of)
    audit.record(user, audit.SEARCH, "people.person", "", context=context, at=as_of,
                 detail={"terms": query.terms(), "results": len(hits),
                         "persons": [h.person.pk for h in hits]})
    return SearchResult(query=query, hits=hits, candidates=len(keys), truncated=truncated)


@contextlib.contextmanager
def _index_scans_only():
    """Steer PostgreSQL off sequential scans for the candidate lookups.

    Under LIMIT the planner prices a scan that stops after CANDIDATE_CAP rows
    below a bitmap OR of index scans, guessing (wrongly, for ORs with trigram
    arms) that matches are spread evenly; at 300,000 records that guess costs
    300 ms a lookup. Every lookup here has an index for each arm, so forbid the
    scan for this transaction only (SET LOCAL ends with it).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL enable_seqscan = off")
    yield


_KEY_FIELDS = ("record_id", "forename", "surname", "forename_sound", "surname_sound",
               "date_of_birth", "postcode", "postcode_outward", "address", "phone")


def _fetch(q: Q, keys: dict[int, KeyRow], person_of: dict[int, int]) -> bool:
    """Add up to CANDIDATE_CAP records matching q (and their person); True if capped."""
    # Named rows, not model instances: building 500 LinkKey objects a lookup was
    # a fifth of a search's Python time.
    found = list(LinkKey.objects.filter(q).annotate(pid=F("record__person_id"))
                 .values_list(*_KEY_FIELDS, "pid", named=True)[:CANDIDATE_CAP + 1])
    for k in found[:CANDIDATE_CAP]:
        keys[k.record_id] = k
        person_of[k.record_id] = k.pid
    return len(found) > CANDIDATE_CAP


def _rank(scored) -> tuple[int, float]:
    """More criteria matched first, then the better score."""
    return (len(set(scored[2])), scored[0])


def _visible_top(user, ordered: list[int], limit: int) -> list[int]:
    """The first `limit` of the ranked person ids this user may see, checked a slice at
    a time so a broad search does not ask about every candidate."""
    from vigil.people.queries import visible_persons

    out: list[int] = []
    step = max(4 * limit, 100)
    for i in range(0, len(ordered), step):
        chunk = ordered[i:i + step]
        visible = set(visible_persons(user).filter(pk__in=chunk).values_list("pk", flat=True))
        out += [pid for pid in chunk if pid in visible]
        if len(out) >= limit:
            break
    return out[:limit]


def _hits(ranked: list[int], best, as_of: datetime) -> list[Hit]:
    if not ranked:
        return []
    from vigil.people.search_summary import summaries

    persons = Person.objects.in_bulk(ranked)
    info = summaries(ranked, as_of)
    hits = []
    for pid in ranked:
        score, reasons, matched = best[pid]
        s = info.get(pid, {})
        hits.append(Hit(person=persons[pid], score=round(score, 2),
                        matched=sorted(set(matched)), reasons=list(dict.fromkeys(reasons)),
                        roles=s.get("roles", []), risk=s.get("risk", ""),
                        live_orders=s.get("orders", []), marac=s.get("marac", ""),
                        source_count=s.get("sources", 0)))
    return hits
