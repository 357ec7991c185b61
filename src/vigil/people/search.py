"""Find people: by name (fuzzy, phonetic, nicknames), full or partial date of birth,
phone, address or postcode, alone or combined.

Candidates come from bounded, indexed lookups on LinkKey (the same normal forms
linkage uses), for the spellings of the name that exist (NameVocab), run in tiers
from the narrowest (every criterion together) to the broadest (the surname alone)
and stopped once the page is settled (search_candidates); each candidate record
is scored here and each person ranked by their best record. A hit says why it
matched and shows the person's roles, current risk, live orders and MARAC status
(search_summary). Results are scoped by the user's role and area
(vigil.people.queries.visible_persons) and every search is audited.
docs/linkage-and-search.md says what each step costs.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from vigil.core import audit, roles
from vigil.people import search_candidates as sc
from vigil.people.linkage import normalise
from vigil.people.models import Person, SourceRecord

# Rows per lookup: enough to rank a page of RESULT_LIMIT; each row fetched and scored
# costs CPU, and a search that broad is flagged (truncated) to be narrowed.
CANDIDATE_CAP = 64
WEAK_CAP = 32  # per lookup that only fills the page below better matches
MAX_CANDIDATES = 300  # all lookups together; later (broader) lookups are skipped
RESULT_LIMIT = 25
FUZZY = sc.FUZZY  # Jaro-Winkler for "similar spelling"


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

@dataclass(frozen=True)
class _Tier:
    """Lookups, each with its row cap, that can only add records ranked at most `bound`
    (given that the earlier, narrower lookups were not capped)."""

    bound: tuple[int, float]
    lookups: list[tuple[sc.Cond, int]]


def _name_conds(p: _Parsed) -> tuple[sc.Cond | None, list[sc.Cond], list[sc.Cond], bool]:
    """(any name match, strong lookups, weaker lookups, spellings capped)."""
    if p.surname:
        sp = sc.spellings(surname=p.surname, forename=p.forename)
        surname = sc.one_of("surname", sp.surnames)
        swapped = sc.equals("surname", p.forename) & sc.equals("forename", p.surname)
        exact = (sc.equals("surname", p.surname)
                 & sc.one_of("forename", {p.forename} | _variants(p.forename))) | swapped
        strong = [exact, surname & sc.one_of("forename", sp.forenames)]
        weak = [surname & sc.initial("forename", p.forename), surname]
        return surname | swapped, strong, weak, sp.capped
    if p.single:
        sp = sc.spellings(surname=p.single, forename=p.single)
        either = sc.one_of("surname", sp.surnames) | sc.one_of("forename", sp.forenames)
        return either, [either], [], sp.capped
    return None, [], [], False


def _tiers(p: _Parsed) -> tuple[list[_Tier], bool]:
    """The lookups to run, narrowest first: records matching every criterion, then
    name with each other criterion, then each criterion alone (the closest names
    first), then the weaker name matches."""
    name, strong, weak, capped = _name_conds(p)
    others: dict[str, sc.Cond] = {}
    if p.dob:
        others["dob"] = sc.dob(p.dob.start, p.dob.end, p.dob.exact)
    if p.phone:
        others["phone"] = sc.phone(p.phone)
    if p.postcode:
        others["postcode"] = sc.postcode(p.postcode)
    if p.address:
        others["address"] = sc.address(p.address)
    every = ([name] if name is not None else []) + list(others.values())
    tiers = []
    full, fill = CANDIDATE_CAP, WEAK_CAP
    if len(every) >= 2:
        combined = every[0]
        for cond in every[1:]:
            combined = combined & cond
        tiers.append(_Tier((len(every), math.inf), [(combined, full)]))
    if name is not None and len(every) >= 3:
        tiers.append(_Tier((len(every) - 1, math.inf),
                           [(name & c, full) for c in others.values()]))
    # One criterion alone is the whole search, or fills the page below the combined
    # matches (where a sample of a broad criterion, e.g. a year of birth, is enough).
    alone = full if len(every) == 1 else fill
    # The forename's initial is asked with the closest names (one statement; at a
    # million records the closest rarely fill a page). Surname alone scores at most 1.0.
    singles = ([(c, full) for c in strong] + [(c, fill) for c in weak[:1]]
               + [(c, alone) for c in others.values()])
    tiers.append(_Tier((1, math.inf), singles))
    if weak:
        tiers.append(_Tier((1, 1.0), [(weak[1], fill)]))
    return tiers, capped


# A LinkKey row as fetched (search_candidates.Key): the normalised fields by name.
KeyRow = Any
_phonetic = sc.phonetic
_variants = sc.variants
_jw = sc.jw

# --- scoring ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PersonRow:
    """The person a hit shows: the fields read, not a model instance (building 25 of
    those cost a search about half a millisecond)."""

    id: int
    forename: str
    surname: str
    date_of_birth: date | None
    sex: str
    postcode: str

    @property
    def pk(self) -> int:
        return self.id

    __str__ = Person.__str__


@dataclass
class Hit:
    person: PersonRow
    score: float
    matched: list[str]  # the criteria this person matched
    reasons: list[str]
    roles: list[str] = field(default_factory=list)
    risk: str = ""
    live_orders: list[str] = field(default_factory=list)
    marac: str = ""
    source_count: int = 0


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
    found = _Found(p)
    while True:
        bound = found.next_tier()
        # Records no later tier can outrank; the page is settled once they give
        # `limit` persons this user may see.
        settled = [rid for rid in found.ordered() if bound is None
                   or _rank(found.scored[rid]) > bound]
        if bound is not None and len(settled) < limit:
            continue
        best, persons = _visible_top(user, settled, found.scored, limit)
        if bound is None or len(best) >= limit:
            break
    hits = _hits(best, persons, as_of)
    audit.record(user, audit.SEARCH, "people.person", "", context=context, at=as_of,
                 detail={"terms": query.terms(), "results": len(hits),
                         "persons": [h.person.pk for h in hits]})
    return SearchResult(query=query, hits=hits, candidates=len(found.scored),
                        truncated=found.truncated)


Scored = tuple[float, list[str], list[str]]  # score, reasons, criteria matched


class _Found:
    """The candidate records found so far, scored, one tier of lookups at a time."""

    def __init__(self, p: _Parsed):
        self.p = p
        self.tiers, self.truncated = _tiers(p)
        self.scored: dict[int, Scored] = {}  # record id -> score, for scores > 0

    def next_tier(self) -> tuple[int, float] | None:
        """Run the next tier's lookups; return the best rank a later tier could add,
        or None when nothing more will be looked up."""
        tier = self.tiers.pop(0)
        for (_, cap), found in zip(tier.lookups, sc.fetch_all(tier.lookups), strict=True):
            self._score_rows(found, cap)
        if not self.tiers or len(self.scored) >= MAX_CANDIDATES:
            self.truncated |= bool(self.tiers)
            self._fallback()
            return None
        return self.tiers[0].bound

    def ordered(self) -> list[int]:
        return sorted(self.scored, key=lambda rid: (_rank(self.scored[rid]), -rid),
                      reverse=True)

    def _add(self, cond: sc.Cond, cap: int) -> None:
        self._score_rows(sc.fetch(cond, cap), cap)

    def _score_rows(self, rows: list, cap: int) -> None:
        self.truncated |= len(rows) > cap
        for key in rows[:cap]:
            if key.record_id not in self.scored:
                s = _score(self.p, key)
                if s[0] > 0:
                    self.scored[key.record_id] = s

    def _fallback(self) -> None:
        """Nothing contains the address words: on PostgreSQL try them as parts of
        words, then similar addresses (slow: trigram similarity over every address)."""
        if not self.p.address or not sc.postgres():
            return
        for cond in (sc.address(self.p.address, partial=True),
                     sc.similar_address(self.p.address)):
            if any("address" in s[2] for s in self.scored.values()):
                return
            self._add(cond, CANDIDATE_CAP)


def _rank(scored: Scored) -> tuple[int, float]:
    """More criteria matched first, then the better score."""
    return (len(set(scored[2])), scored[0])


_PERSON_FIELDS = ("id", "forename", "surname", "date_of_birth", "sex", "postcode")


def _visible_top(user, ordered: list[int], scored: dict[int, Scored], limit: int
                 ) -> tuple[list[tuple[int, Scored]], dict[int, PersonRow]]:
    """The best `limit` persons this user may see: ([(person id, best score)], persons).

    Records are mapped to their persons, scoped and the persons' details read in one
    query per slice of the ranked records, so a broad search does not ask about
    every candidate."""
    best: dict[int, Scored] = {}
    persons: dict[int, tuple] = {}
    # A person has one to three records: a slice of 2 * limit usually fills the page.
    # An area-scoped user sees a fraction of the candidates: one slice of all of them
    # (at most MAX_CANDIDATES and a tier's caps) costs two queries instead of many.
    step = 2 * limit if roles.area_ids(user) is None else max(len(ordered), 1)
    for i in range(0, len(ordered), step):
        chunk = ordered[i:i + step]
        person_of = {row[0]: row[1:] for row in _person_rows(user, chunk)}
        for rid in chunk:  # best record first, so a person's first record is their best
            row = person_of.get(rid)
            if row is not None and row[0] not in best:
                best[row[0]] = scored[rid]
                persons[row[0]] = row
        if len(best) >= limit:
            break
    top = sorted(best, key=lambda pid: (_rank(best[pid]), -pid), reverse=True)[:limit]
    return [(pid, best[pid]) for pid in top], {pid: PersonRow(*persons[pid]) for pid in top}


def _person_rows(user, record_ids: list[int]) -> list[tuple]:
    """(record id, *_PERSON_FIELDS) of the records' persons that this user may see.

    The records' persons first (one indexed query), then, for an area-scoped user,
    which of those persons have a record in the area (queries.persons_in_area: one
    index lookup per kind of record). Asking visible_persons instead made the
    database find every person of the area for each search: ten times slower."""
    from vigil.people.queries import persons_in_area

    allowed = roles.area_ids(user)
    if not roles.can(user, roles.VIEW_PERSON) or (allowed is not None and not allowed):
        return []
    records, params = sc.in_list("sr.id", record_ids)
    found = sc.rows(f"SELECT sr.id, {', '.join('p.' + f for f in _PERSON_FIELDS)} "
                    f"FROM {SourceRecord._meta.db_table} sr JOIN {Person._meta.db_table} p "
                    f"ON p.id = sr.person_id WHERE {records}", params)
    if allowed is None:
        return found
    inside = persons_in_area({row[1] for row in found}, allowed)
    return [row for row in found if row[1] in inside]


def _hits(best: list[tuple[int, Scored]], persons: dict[int, PersonRow], as_of: datetime
          ) -> list[Hit]:
    if not best:
        return []
    from vigil.people.search_summary import summaries

    info = summaries([pid for pid, _ in best], as_of)
    hits = []
    for pid, (score, reasons, matched) in best:
        s = info.get(pid, {})
        hits.append(Hit(person=persons[pid], score=round(score, 2),
                        matched=sorted(set(matched)), reasons=list(dict.fromkeys(reasons)),
                        roles=s.get("roles", []), risk=s.get("risk", ""),
                        live_orders=s.get("orders", []), marac=s.get("marac", ""),
                        source_count=s.get("sources", 0)))
    return hits
