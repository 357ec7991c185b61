"""Noisy person records with known truth, for training the shipped model and for benchmarks.

Each true person gets one or more source records; each record copies the
person through the errors that real source systems make: typos, nicknames,
forename and surname swapped, day and month of birth swapped, missing fields,
a house move. Households share surname, address, postcode and phone, which
makes them the hard non-matches.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

SYSTEMS = ("CONNECT", "CONTROL", "MARAC", "ENCOMPASS", "CUSTODY")


@dataclass(frozen=True)
class Noise:
    typo: float  # per name / dob / phone / postcode field
    nickname: float
    swap_names: float
    swap_day_month: float
    missing: float  # per optional field
    moved: float  # a later record has a different address
    records_per_person: tuple[int, ...]  # drawn uniformly


LEVELS = {
    "low": Noise(typo=0.05, nickname=0.05, swap_names=0.01, swap_day_month=0.01, missing=0.05,
                 moved=0.10, records_per_person=(1, 1, 2, 2, 3)),
    "high": Noise(typo=0.15, nickname=0.12, swap_names=0.03, swap_day_month=0.04, missing=0.20,
                  moved=0.30, records_per_person=(1, 2, 2, 3, 4)),
}

_NICKNAMES = {
    "william": "bill", "robert": "bob", "richard": "dick", "elizabeth": "liz",
    "margaret": "maggie", "katherine": "kate", "catherine": "cathy", "james": "jim",
    "thomas": "tom", "michael": "mike", "jennifer": "jenny", "rebecca": "becky",
    "samantha": "sam", "alexander": "alex", "daniel": "dan", "christopher": "chris",
    "jessica": "jess", "victoria": "vicky", "anthony": "tony", "joseph": "joe",
    "edward": "ed", "deborah": "debbie", "susan": "sue", "patricia": "pat",
    "stephen": "steve", "matthew": "matt", "nicholas": "nick", "jacqueline": "jackie",
}


class _Pools:
    def __init__(self, rng: random.Random, seed: int):
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.female = sorted({fake.first_name_female().lower() for _ in range(3000)}
                             | {n for n in _NICKNAMES if n not in _MALE})
        self.male = sorted({fake.first_name_male().lower() for _ in range(3000)} | _MALE)
        self.surnames = sorted({fake.last_name().lower() for _ in range(20000)})
        self.streets = sorted({fake.street_name() for _ in range(20000)})
        self.rng = rng

    def postcode(self) -> str:
        r = self.rng
        area = r.choice(["B", "CV", "DY", "WS", "WV"])
        return (f"{area}{r.randint(1, 99)} {r.randint(0, 9)}"
                f"{r.choice('ABDEFGHJLNPQRSTUWXYZ')}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}")

    def phone(self) -> str:
        return "07" + "".join(str(self.rng.randint(0, 9)) for _ in range(9))

    def address(self) -> str:
        return f"{self.rng.randint(1, 250)} {self.rng.choice(self.streets)}"


_MALE = {"william", "robert", "richard", "james", "thomas", "michael", "alexander", "daniel",
         "christopher", "anthony", "joseph", "edward", "stephen", "matthew", "nicholas"}


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 2:
        return text
    i = rng.randrange(len(text))
    kind = rng.randrange(4)
    letters = "abcdefghijklmnopqrstuvwxyz" if text.isalpha() else "0123456789"
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + rng.choice(letters) + text[i:]
    if kind == 2:
        return text[:i] + rng.choice(letters) + text[i + 1:]
    j = min(i + 1, len(text) - 1)
    chars = list(text)
    chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def _dob_typo(rng: random.Random, dob: date) -> date:
    for _ in range(10):
        text = dob.isoformat()
        i = rng.choice([2, 3, 5, 6, 8, 9])
        candidate = text[:i] + str(rng.randint(0, 9)) + text[i + 1:]
        try:
            changed = date.fromisoformat(candidate)
        except ValueError:
            continue
        if changed != dob:
            return changed
    return dob + timedelta(days=1)


def generate(n_people: int, level: str = "low", seed: int = 7) -> tuple[list[dict], dict]:
    """(records, truth): records have the raw SourceRecord fields plus `id`;
    truth maps record id -> true person number."""
    if level not in LEVELS:
        raise ValueError(f"unknown noise level {level!r}; choose one of {', '.join(LEVELS)}")
    noise = LEVELS[level]
    rng = random.Random(seed)
    pools = _Pools(rng, seed)
    people = []
    while len(people) < n_people:
        surname = rng.choice(pools.surnames)
        home = (pools.address(), pools.postcode(), pools.phone())
        for _ in range(rng.choice((1, 1, 1, 2, 3))):  # a household
            sex = rng.choice("FM")
            fn = rng.choice(pools.female if sex == "F" else pools.male)
            dob = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 60))
            own_phone = pools.phone() if rng.random() < 0.7 else home[2]
            people.append((fn, surname, sex, dob, home[0], home[1], own_phone))
    people = people[:n_people]

    records, truth = [], {}
    next_id = 1
    for pid, (fn, sn, sex, dob, addr, pc, ph) in enumerate(people):
        for k in range(rng.choice(noise.records_per_person)):
            r_fn, r_sn, r_dob, r_addr, r_pc, r_ph = fn, sn, dob, addr, pc, ph
            if k and rng.random() < noise.moved:
                r_addr, r_pc = pools.address(), pools.postcode()
            if fn in _NICKNAMES and rng.random() < noise.nickname * 4:
                r_fn = _NICKNAMES[fn]
            if rng.random() < noise.typo:
                r_fn = _typo(rng, r_fn)
            if rng.random() < noise.typo:
                r_sn = _typo(rng, r_sn)
            if rng.random() < noise.swap_names:
                r_fn, r_sn = r_sn, r_fn
            if rng.random() < noise.typo:
                r_dob = _dob_typo(rng, r_dob)
            elif rng.random() < noise.swap_day_month and r_dob.day <= 12:
                r_dob = r_dob.replace(month=r_dob.day, day=r_dob.month)
            if rng.random() < noise.typo:
                r_ph = _typo(rng, r_ph)
            if rng.random() < noise.typo / 2:
                r_pc = _typo(rng, r_pc.replace(" ", ""))
            record = {
                "id": next_id, "source_system": SYSTEMS[k % len(SYSTEMS)],
                "forename": r_fn.title(), "surname": r_sn.title(),
                "date_of_birth": None if rng.random() < noise.missing / 3 else r_dob,
                "sex": sex if rng.random() > noise.missing else "U",
                "address": "" if rng.random() < noise.missing else r_addr,
                "postcode": "" if rng.random() < noise.missing else r_pc,
                "phone": "" if rng.random() < noise.missing * 2 else r_ph,
            }
            records.append(record)
            truth[next_id] = pid
            next_id += 1
    return records, truth
