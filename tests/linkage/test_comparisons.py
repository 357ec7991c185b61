"""Each comparison's edge cases: which level a pair of records falls in."""

from datetime import date

import pytest

from tests.linkage.helpers import BASE, levels


def pair(comparison: str, left: dict, right: dict) -> str:
    return levels({**BASE, **left}, {**BASE, **right})[comparison]


@pytest.mark.parametrize(("left", "right", "expected"), [
    ({"forename": "Jane"}, {"forename": "JANE"}, "Exact"),
    ({"forename": "Zoë"}, {"forename": "Zoe"}, "Exact"),
    ({"forename": "William"}, {"forename": "Bill"}, "Nickname"),
    ({"forename": "Elizabeth"}, {"forename": "Liz"}, "Nickname"),
    ({"forename": "Deborah"}, {"forename": "Deboarh"}, "Jaro-Winkler >= 0.92"),
    # A slip in a short name, which Jaro-Winkler scores low.
    ({"forename": "Max"}, {"forename": "Amx"}, "One letter wrong"),
    ({"forename": "Guy"}, {"forename": "Gy"}, "One letter wrong"),
    ({"forename": "Max"}, {"forename": "Xam"}, "All other comparisons"),  # two slips
    ({"forename": "J"}, {"forename": "Jane"}, "Initial"),
    ({"forename": "Jane"}, {"forename": "Priya"}, "All other comparisons"),
    ({"forename": ""}, {"forename": "Jane"}, "missing"),
    ({"forename": "Smith", "surname": "Jane"}, {}, "Forename and surname swapped"),
    ({"forename": "Smiht", "surname": "Jane"}, {}, "Forename and surname swapped"),
    # A swap with a short form or bad typo counts when the other name is exact.
    ({"forename": "Duffy", "surname": "Bryan"}, {"forename": "Brian", "surname": "Duffy"},
     "Forename and surname swapped"),
    # A swap with a nickname for the forename, the surname exact or a typo off
    # ("abbott mandy" / "amanda abbott"), either side holding the nickname.
    ({"forename": "Smith", "surname": "Tina"}, {"forename": "Christina"},
     "Forename and surname swapped"),
    ({"forename": "Smiht", "surname": "Tina"}, {"forename": "Christina"},
     "Forename and surname swapped"),
    ({"forename": "Rahman", "surname": "Rick"}, {"forename": "Eric", "surname": "Ramhan"},
     "Forename and surname swapped"),
    ({"forename": "Christina"}, {"forename": "Smith", "surname": "Tina"},
     "Forename and surname swapped"),
    # A nickname, but the surname is more than a typo off ("smith" / "smythe-jones"):
    # not a swap.
    ({"forename": "Smythe", "surname": "Tina"}, {"forename": "Christina"},
     "All other comparisons"),
    # The surname swapped but the forename no nickname and far off: as before.
    ({"forename": "Smith", "surname": "Priya"}, {"forename": "Christina"},
     "Forename is the other's surname"),
    ({"forename": "Harrison", "surname": "Mason"}, {"forename": "Wheatley",
                                                    "surname": "Harrison"},
     "Forename is the other's surname"),
])
def test_forename(left, right, expected):
    assert pair("forename", left, right) == expected


@pytest.mark.parametrize(("left", "right", "expected"), [
    ({"surname": "O'Brien"}, {"surname": "OBRIEN"}, "Exact"),
    ({"surname": "Smith-Jones"}, {"surname": "Smith Jones"}, "Exact"),
    ({"surname": "Knight"}, {"surname": "Night"}, "Jaro-Winkler >= 0.92"),
    ({"surname": "Cox"}, {"surname": "Ocx"}, "One letter wrong"),
    ({"surname": "Phillips"}, {"surname": "Fillips"}, "Sounds alike"),
    ({"surname": "Smith"}, {"surname": "Smyth"}, "Sounds alike"),
    ({"surname": "Smith"}, {"surname": "Patel"}, "All other comparisons"),
    ({"forename": "Smith", "surname": "Jane"}, {}, "Surname and forename swapped"),
    ({"forename": "Smith", "surname": "Tina"}, {"forename": "Christina"},
     "Surname and forename swapped"),
    ({"forename": "Smythe", "surname": "Tina"}, {"forename": "Christina"},
     "All other comparisons"),
])
def test_surname(left, right, expected):
    assert pair("surname", left, right) == expected


@pytest.mark.parametrize(("left", "right", "expected"), [
    (date(1990, 3, 4), date(1990, 3, 4), "Exact"),
    (date(1990, 3, 4), date(1990, 4, 3), "Day and month swapped"),
    (date(1990, 3, 4), date(1990, 3, 5), "One digit wrong"),
    (date(1990, 3, 4), date(1980, 3, 4), "One digit wrong"),
    (date(1990, 12, 31), date(1990, 12, 13), "Two digits wrong or transposed"),
    (date(1990, 3, 4), date(1971, 11, 23), "All other comparisons"),
    (None, date(1990, 3, 4), "missing"),
])
def test_date_of_birth(left, right, expected):
    assert pair("dob", {"date_of_birth": left}, {"date_of_birth": right}) == expected


def test_same_day_and_month_is_exact_not_a_swap():
    assert pair("dob", {"date_of_birth": date(1990, 5, 5)},
                {"date_of_birth": date(1990, 5, 5)}) == "Exact"


@pytest.mark.parametrize(("left", "right", "expected"), [
    ("F", "F", "Exact"), ("F", "M", "All other comparisons"), ("U", "F", "missing"),
])
def test_sex(left, right, expected):
    assert pair("sex", {"sex": left}, {"sex": right}) == expected


@pytest.mark.parametrize(("left", "right", "expected"), [
    ({"phone": "+44 7700 900123"}, {"phone": "07700-900-123", "address": "", "postcode": ""},
     "Phone agrees"),
    ({}, {}, "Phone and address agree"),
    ({"phone": ""}, {"phone": ""}, "Postcode and address agree"),
    ({"phone": ""}, {"phone": "", "address": "12 High St."}, "Postcode and address agree"),
    ({"phone": ""}, {"phone": "", "address": "9 Other Road"}, "Postcode or address agrees"),
    ({"phone": ""}, {"phone": "", "address": "12 Hihg Street"},
     "Postcode agrees, similar address"),
    ({"phone": "", "postcode": "B15 2TT"}, {"phone": "", "postcode": "WS1 2TT",
                                            "address": "12 High Stret"}, "Similar address"),
    ({"phone": "07700900123", "postcode": "", "address": ""},
     {"phone": "07700900132", "postcode": "", "address": ""}, "Phone one typo"),
    ({"phone": "", "address": "1 A Road", "postcode": "B15 2TT"},
     {"phone": "", "address": "2 B Lane", "postcode": "B15 2XY"}, "Same postcode sector"),
    ({"phone": "", "address": "1 A Road", "postcode": "B15 2TT"},
     {"phone": "", "address": "2 B Lane", "postcode": "B15 9XY"}, "Same postcode district"),
    ({"phone": "", "address": "", "postcode": ""}, {}, "missing"),
    # Nothing both records hold: no evidence either way, not a disagreement.
    ({"phone": "", "address": "", "postcode": "B15 2TT"},
     {"phone": "07111111111", "address": "1 A Road", "postcode": ""}, "missing"),
    ({"phone": "07111111111", "address": "1 A Road", "postcode": "CV1 1AA"},
     {}, "All other comparisons"),
])
def test_contact(left, right, expected):
    assert pair("contact", left, right) == expected
