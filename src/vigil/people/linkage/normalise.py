"""Normalised forms of the identifying fields, shared by linkage and search.

One definition per field, so that a record is compared by linkage and found by
search on exactly the same key.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

import jellyfish
from nicknames import NickNamer

_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D+")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")

# Common street-type spellings, so "12 High St." and "12 high street" agree.
_ADDRESS_WORDS = {
    "st": "street", "rd": "road", "ave": "avenue", "av": "avenue", "ln": "lane",
    "dr": "drive", "ct": "court", "cl": "close", "cres": "crescent", "gdns": "gardens",
    "gr": "grove", "pl": "place", "sq": "square", "ter": "terrace", "terr": "terrace",
    "hse": "house", "flt": "flat", "apt": "flat", "apartment": "flat",
}


def _ascii_lower(value: str | None) -> str:
    if not value:
        return ""
    if value.isascii():
        return value.lower()
    text = unicodedata.normalize("NFKD", value)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=100_000)
def forename(value: str | None) -> str:
    """The first given name, lower case letters only ("Mary-Jane Ann" -> "maryjane")."""
    words = _NOT_LETTER.sub("", _ascii_lower(value).replace("-", "")).split()
    return words[0] if words else ""


@lru_cache(maxsize=200_000)
def surname(value: str | None) -> str:
    """Lower case letters only; spaces, hyphens and apostrophes go ("O'Brien" -> "obrien")."""
    return _NOT_LETTER.sub("", _ascii_lower(value)).replace(" ", "")


@lru_cache(maxsize=200_000)
def phonetic(name: str) -> str:
    """Metaphone of an already-normalised name ("" for "")."""
    return jellyfish.metaphone(name) if name else ""


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=50_000)
def name_aliases(name: str) -> frozenset[str]:
    """The name and its formal forms ("bill" -> {"bill", "william", ...}).

    Two forenames are nickname-equivalent when their alias sets intersect.
    """
    if not name:
        return frozenset()
    return frozenset({name} | set(_namer().canonicals_of(name)))


@lru_cache(maxsize=50_000)
def name_variants(name: str) -> frozenset[str]:
    """Every name a searcher may mean by `name`: itself, formal forms and their nicknames."""
    if not name:
        return frozenset()
    out = set(name_aliases(name))
    for formal in list(out):
        out |= set(_namer().nicknames_of(formal))
    return frozenset(out)


def postcode(value: str | None) -> str:
    """Upper case without spaces ("b15 2tt" -> "B152TT")."""
    return _NOT_ALNUM.sub("", (value or "").upper())


def postcode_outward(value: str | None) -> str:
    """The outward code of a full UK postcode ("B152TT" -> "B15"); a part-postcode as given."""
    pc = postcode(value)
    return pc[:-3] if len(pc) >= 5 else pc


def phone(value: str | None) -> str:
    """Digits in UK national form: "+44 (0)121 626 5000" and "0121-626-5000" -> "01216265000"."""
    digits = _NOT_DIGIT.sub("", value or "")
    if digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and len(digits) >= 11:
        digits = digits[2:]
    if digits.startswith("0"):
        return digits
    return "0" + digits if len(digits) == 10 else digits


def address(value: str | None) -> str:
    """Lower case words with common abbreviations spelt out and punctuation gone."""
    text = re.sub(r"[^a-z0-9 ]+", " ", _ascii_lower(value))
    words = [_ADDRESS_WORDS.get(w, w) for w in _SPACES.split(text.strip()) if w]
    return " ".join(words)


def dob_text(value: date | None) -> str | None:
    """ISO text for a date of birth, the form Splink's comparisons read."""
    return value.isoformat() if value else None
