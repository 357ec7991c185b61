"""True people and the noisy records each source system holds of them.

One real person appears in CONTROL (call logs), CONNECT (crimes, custody,
orders, ...) and MARAC as different source records, each a snapshot of the
person when the record was made, with that system's errors: typos,
nicknames, swapped names, a missing or day/month-swapped date of birth, an
old address or surname. The true identity goes only to the ground truth.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache

from faker.providers.internet.en_GB import Provider as InternetProvider
from faker.providers.person.en_GB import Provider as PersonProvider
from nicknames import NickNamer

from vigil.synth.clock import DAY, day_of
from vigil.synth.draw import Draw
from vigil.synth.writer import Sink

FEMALE_NAMES = tuple(PersonProvider.first_names_female)
MALE_NAMES = tuple(PersonProvider.first_names_male)
SURNAMES = tuple(PersonProvider.last_names)
EMAIL_DOMAINS = tuple(InternetProvider.free_email_domains)
STREET_TYPES = ("Road", "Street", "Avenue", "Close", "Lane", "Drive", "Grove", "Way",
                "Crescent", "Gardens", "Place", "Court", "Walk", "Rise", "Mews")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the inward code never uses C I K M O V

CONTROL, CONNECT, MARAC = "CONTROL", "CONNECT", "MARAC"
# In a region: the chance that a new adult victim or perpetrator is someone from the
# previous force (while any are waiting to arrive).
INCOMER_SHARE = 0.1


@dataclass(frozen=True)
class Noise:
    typo: float
    nickname: float
    swap_names: float
    dob_missing: dict
    dob_day_month: float
    duplicate: float  # a second record in the same system without a change
    new_control_record: float  # call handlers key a caller afresh


NOISE = {
    "low": Noise(typo=0.03, nickname=0.06, swap_names=0.01,
                 dob_missing={CONTROL: 0.25, CONNECT: 0.03, MARAC: 0.05},
                 dob_day_month=0.01, duplicate=0.02, new_control_record=0.5),
    "high": Noise(typo=0.12, nickname=0.2, swap_names=0.05,
                  dob_missing={CONTROL: 0.45, CONNECT: 0.12, MARAC: 0.15},
                  dob_day_month=0.05, duplicate=0.06, new_control_record=0.8),
}


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


@cache
def nicknames_of(name: str) -> tuple[str, ...]:
    return tuple(sorted(n.title() for n in _namer().nicknames_of(name) if len(n) > 1))


@dataclass(slots=True)
class Person:
    pid: int
    sex: str
    forename: str
    middle: str
    surname: str
    dob: date
    lpa: str
    address: str
    postcode: str
    phone: str
    email: str
    # Life events: (instant, new value) — records made later show the new value.
    moved: tuple | None = None  # (t, address, postcode)
    married: tuple | None = None  # (t, surname)
    new_phone: tuple | None = None  # (t, phone)
    records: dict = field(default_factory=dict)  # system -> [(source_id, made_at, has_dob)]
    school: dict = field(default_factory=dict)  # phase -> urn, for children
    home_educated: bool = False

    def age_on(self, d: date) -> int:
        return d.year - self.dob.year - ((d.month, d.day) < (self.dob.month, self.dob.day))


class People:
    """Creates true people and hands out (noisy) source records of them."""

    def __init__(self, draw: Draw, sink: Sink, noise: str, postcodes, pid_base: int = 0,
                 incomers: list[Person] = (), incomers_from: int = 0):
        self.d = draw
        self.sink = sink
        self.noise = NOISE[noise]
        self.postcodes = postcodes  # lpa code -> callable(draw) -> postcode
        self.people: list[Person] = []
        self._next_id = {CONTROL: 0, CONNECT: 0, MARAC: 0}
        # In a region, true ids are unique across forces (force k counts from pid_base),
        # and people who lived in the previous force wait here to turn up in this one.
        self.pid_base = pid_base
        self.incomers = {"F": [], "M": []}
        for p in incomers:
            self.incomers.setdefault(p.sex, []).append(p)
        self.incomers_from = incomers_from
        self.arrived: list[Person] = []

    # --- true people
    def address(self, lpa: str, town: str) -> tuple[str, str]:
        d = self.d
        street = f"{d.pick(SURNAMES)} {d.pick(STREET_TYPES)}"
        number = d.integer(1, 240)
        flat = f"Flat {d.integer(1, 40)}, " if d.chance(0.18) else ""
        return f"{flat}{number} {street}, {town}", self.postcodes[lpa](d)

    def phone(self) -> str:
        return f"07{self.d.integer(100, 999)}{self.d.integer(100000, 999999)}"

    def new(self, sex: str, born: date, lpa: str, town: str, surname: str | None = None,
            address: tuple[str, str] | None = None, t: int = 0,
            life_events: bool = True) -> Person:
        d = self.d
        waiting = self.incomers.get(sex)
        if (waiting and life_events and surname is None and address is None
                and t >= self.incomers_from and d.chance(INCOMER_SHARE)):
            before = waiting.pop()
            if before.age_on(day_of(t)) >= 16:
                return self._arrive(before, lpa, town, t)
        names = FEMALE_NAMES if sex == "F" else MALE_NAMES
        forename = d.pick(names)
        middle = d.pick(names) if d.chance(0.4) else ""
        surname = surname or d.pick(SURNAMES)
        addr, postcode = address or self.address(lpa, town)
        email = ""
        if d.chance(0.5):
            email = (f"{forename}.{surname}{d.integer(1, 99)}@{d.pick(EMAIL_DOMAINS)}"
                     .lower().replace(" ", "").replace("'", ""))
        p = Person(self.pid_base + len(self.people) + 1, sex, forename, middle, surname, born,
                   lpa, addr, postcode, self.phone(), email)
        if life_events:
            self._life_events(p, lpa, town, t)
        self.people.append(p)
        return p

    def _life_events(self, p: Person, lpa: str, town: str, t: int) -> None:
        d = self.d
        if d.chance(0.3):  # victims often move away from the abuser
            p.moved = (t + int(d.uniform(10, 400) * DAY), *self.address(lpa, town))
        if p.sex == "F" and d.chance(0.06):
            p.married = (t + int(d.uniform(30, 900) * DAY), d.pick(SURNAMES))
        if d.chance(0.2):
            p.new_phone = (t + int(d.uniform(30, 900) * DAY), self.phone())

    def _arrive(self, before: Person, lpa: str, town: str, t: int) -> Person:
        """The same true person (same pid) living in this force's area now: a new address,
        often the same phone, and no record yet in this force's systems."""
        d = self.d
        surname = before.married[1] if before.married and before.married[0] <= t else (
            before.surname)
        phone = before.phone if d.chance(0.6) else self.phone()
        p = Person(before.pid, before.sex, before.forename, before.middle, surname, before.dob,
                   lpa, *self.address(lpa, town), phone, before.email)
        self._life_events(p, lpa, town, t)
        self.people.append(p)
        self.arrived.append(p)
        return p

    # --- source records
    def ref(self, system: str, p: Person, t: int, require_dob: bool = False) -> str:
        """The source reference ("SYSTEM:ID") this system uses for the person at time t."""
        made = p.records.get(system)
        n = self.noise
        if made:
            sid, made_at, has_dob = made[-1]
            changed = any(ev is not None and made_at < ev[0] <= t
                          for ev in (p.moved, p.married, p.new_phone))
            if system == CONTROL:
                fresh = self.d.chance(n.new_control_record)
            else:
                fresh = (changed and self.d.chance(0.5)) or self.d.chance(n.duplicate)
            if not fresh and (has_dob or not require_dob):
                return f"{system}:{sid}"
        return self._make(system, p, t, require_dob)

    def _make(self, system: str, p: Person, t: int, require_dob: bool) -> str:
        d, n = self.d, self.noise
        self._next_id[system] += 1
        prefix = {CONTROL: "C", CONNECT: "P", MARAC: "M"}[system]
        sid = f"{prefix}{self._next_id[system]:07d}"
        surname, address, postcode, phone = p.surname, p.address, p.postcode, p.phone
        if p.married and p.married[0] <= t:
            surname = p.married[1]
        if p.moved and p.moved[0] <= t:
            address, postcode = p.moved[1], p.moved[2]
        if p.new_phone and p.new_phone[0] <= t:
            phone = p.new_phone[1]
        forename = p.forename
        if d.chance(n.nickname):
            nicks = nicknames_of(forename)
            if nicks:
                forename = d.pick(nicks)
        if d.chance(n.typo):
            surname = typo(d, surname)
        if d.chance(n.typo / 2):
            forename = typo(d, forename)
        if d.chance(n.swap_names):
            forename, surname = surname, forename
        dob: date | None = p.dob
        if not require_dob and d.chance(n.dob_missing[system]):
            dob = None
        elif d.chance(n.dob_day_month) and dob.day <= 12 and dob.day != dob.month:
            dob = dob.replace(month=dob.day, day=dob.month)
        if system == CONNECT and d.chance(0.3):
            surname = surname.upper()
        keep = {CONTROL: (0.15, 0.6, 0.9, 0.05), CONNECT: (0.6, 0.95, 0.6, 0.3),
                MARAC: (0.3, 0.95, 0.85, 0.4)}[system]
        self.sink.add(
            "persons", source_system=system, source_id=sid, forename=forename,
            middle_names=p.middle if d.chance(keep[0]) else "", surname=surname,
            date_of_birth=dob,
            sex=("U" if system == CONTROL and d.chance(0.1) else p.sex),
            address=address if d.chance(keep[1]) else "",
            postcode=postcode if d.chance(keep[1]) else "",
            phone=format_phone(d, phone) if d.chance(keep[2]) else "",
            email=p.email if d.chance(keep[3]) else "",
        )
        self.sink.truth(system, sid, p.pid)
        p.records.setdefault(system, []).append((sid, t, dob is not None))
        return f"{system}:{sid}"


def typo(d: Draw, word: str) -> str:
    """One keying error: a dropped, doubled, swapped or wrong letter."""
    if len(word) < 3:
        return word
    i = d.integer(1, len(word) - 2)
    kind = d.integer(0, 3)
    if kind == 0:
        return word[:i] + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]
    letter = d.pick(string.ascii_lowercase)
    return word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1:]


def format_phone(d: Draw, phone: str) -> str:
    style = d.integer(0, 3)
    if style == 0:
        return f"{phone[:5]} {phone[5:]}"
    if style == 1:
        return f"+44 {phone[1:5]} {phone[5:]}"
    return phone


def birth_date(d: Draw, t: int, age_lo: float, age_hi: float, mode: float) -> date:
    """A date of birth for someone aged between age_lo and age_hi at instant t."""
    age = d.normal(mode, (age_hi - age_lo) / 5)
    while not age_lo <= age <= age_hi:
        age = d.normal(mode, (age_hi - age_lo) / 5)
    return day_of(t) - timedelta(days=int(age * 365.25))
