from datetime import date

import pytest

from vigil.people.linkage import normalise


@pytest.mark.parametrize(("raw", "expected"), [
    ("Mary-Jane Ann", "maryjane"), ("  JOSÉ ", "jose"), ("", ""), (None, ""), ("J.", "j"),
])
def test_forename(raw, expected):
    assert normalise.forename(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("O'Brien", "obrien"), ("Smith-Jones", "smithjones"), ("de la Cruz", "delacruz"),
    ("Müller", "muller"), ("", ""),
])
def test_surname(raw, expected):
    assert normalise.surname(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("+44 (0)121 626 5000", "01216265000"), ("+44 121 626 5000", "01216265000"),
    ("0121-626-5000", "01216265000"), ("0044 7700 900123", "07700900123"),
    ("7700900123", "07700900123"), ("", ""), ("999", "999"),
])
def test_phone(raw, expected):
    assert normalise.phone(raw) == expected


@pytest.mark.parametrize(("raw", "full", "outward"), [
    ("b15 2tt", "B152TT", "B15"), ("WV1 1AA", "WV11AA", "WV1"), ("B15", "B15", "B15"),
    ("", "", ""), ("cv 37 6 ab", "CV376AB", "CV37"),
])
def test_postcode(raw, full, outward):
    assert normalise.postcode(raw) == full
    assert normalise.postcode_outward(raw) == outward


def test_address_spells_out_abbreviations_and_drops_punctuation():
    assert normalise.address("Flat 2, 12 High St.") == "flat 2 12 high street"
    assert normalise.address("12 high street") == normalise.address("12 HIGH ST")


def test_nicknames_work_both_ways():
    assert normalise.name_aliases("bill") & normalise.name_aliases("william")
    assert "bill" in normalise.name_variants("william")
    assert "william" in normalise.name_variants("bill")
    assert not normalise.name_aliases("jane") & normalise.name_aliases("priya")
    assert normalise.name_aliases("") == frozenset()


def test_dob_text_is_iso_or_none():
    assert normalise.dob_text(date(1990, 3, 4)) == "1990-03-04"
    assert normalise.dob_text(None) is None
