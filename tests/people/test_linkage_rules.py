"""The evidence rules added for issue 17's targets at force scale (pipeline.py):
two people of one household, a name that differs outright, dates no slip explains,
a shared phone, a name-only pair whose name others hold, and the persons' checks
of links that rest on a name or a place alone. Table tests on the rule functions,
then the rules through `pipeline.link` with the shipped model."""

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from vigil.core.policy import Policy
from vigil.people.linkage import frame, model, pipeline
from vigil.people.linkage.batch import review_band

OTHER = "All other comparisons"
PLACE = "Postcode and address agree"


def _s(value):
    return pd.Series([value])


@pytest.mark.parametrize(("forename", "contact", "dob", "two_phones", "expected"), [
    ("Nickname", PLACE, "missing", True, True),  # Ellie / Eleanor at one address, two phones
    ("Sounds alike or Jaro-Winkler >= 0.8", "Postcode or address agrees", "missing", True,
     True),
    (OTHER, "Similar address", "One digit wrong", True, True),  # a slip is not agreement
    (OTHER, PLACE, "Two digits wrong or transposed", True, True),
    ("Exact", PLACE, "missing", True, False),  # the same forename: not this rule
    ("Forename and surname swapped", PLACE, "missing", True, False),
    ("Nickname", PLACE, "missing", False, False),  # one phone or none: nothing says two
    ("Nickname", PLACE, "Exact", True, False),  # the dates agree
    ("Nickname", PLACE, "Day and month swapped", True, False),
    ("Nickname", "Phone agrees", "missing", True, False),  # a phone in common
    ("Nickname", "Phone one typo", "missing", True, False),  # not a place alone
    ("Nickname", "missing", "missing", True, False),  # no place in common
])
def test_second_person(forename, contact, dob, two_phones, expected):
    got = pipeline.second_person(_s(forename), _s(contact), _s(dob), np.array([two_phones]))
    assert bool(got[0]) is expected


@pytest.mark.parametrize(("forename", "surname", "contact", "dob", "expected"), [
    (OTHER, "Exact", PLACE, "Exact", True),  # the rule as it was: a different forename
    (OTHER, "Exact", "missing", "missing", True),
    (OTHER, "Exact", "Phone agrees", "missing", False),  # a phone is one person's
    ("Exact", OTHER, PLACE, "missing", True),  # a different surname, no date to compare
    ("Exact", OTHER, "missing", "missing", True),
    ("Exact", OTHER, PLACE, "Exact", False),  # same forename and date: a married name
    ("Exact", OTHER, PLACE, "One digit wrong", False),
    ("Exact", OTHER, "Phone and address agree", "missing", False),
    ("Exact", "Jaro-Winkler >= 0.92", PLACE, "missing", False),  # a typo, not another name
])
def test_household(forename, surname, contact, dob, expected):
    got = pipeline.household(_s(forename), _s(surname), _s(contact), _s(dob))
    assert bool(got[0]) is expected


@pytest.mark.parametrize(("contact", "dob", "expected"), [
    (OTHER, "missing", True),  # no date, contact against
    ("Same postcode sector", "missing", True),
    ("Same postcode district", "missing", True),
    ("missing", "missing", False),  # nothing against
    ("Similar address", "missing", False),
    (OTHER, "One digit wrong", False),  # a date to weigh: the date rules decide
    ("Phone and address agree", OTHER, True),  # dates no slip explains
    ("missing", OTHER, True),
    ("missing", "Two digits wrong or transposed", False),  # a slip: reviewed
])
def test_contradicted(contact, dob, expected):
    assert bool(pipeline.contradicted(_s(contact), _s(dob))[0]) is expected


def _table(rows):
    return pd.DataFrame([{"unique_id": i, "phone": None, "address": None, "postcode": None,
                          **r} for i, r in enumerate(rows, start=1)])


# Records 1 and 2 are the pair; 3 is in 1's person, 4 in 2's.
@pytest.mark.parametrize(("rows", "fields", "expected"), [
    ([{}, {}, {"phone": "071"}, {"phone": "072"}], ("phone",), True),  # a phone each
    ([{}, {}, {"phone": "071"}, {"phone": "071"}], ("phone",), False),  # the same phone
    ([{"phone": "072"}, {}, {"phone": "071"}, {"phone": "072"}], ("phone",), False),
    ([{}, {}, {"phone": "071"}, {}], ("phone",), False),  # one side holds none
    ([{}, {}, {"address": "1 a st"}, {"address": "2 b st"}], ("phone",), False),  # not asked
    ([{}, {}, {"address": "1 a st"}, {"address": "2 b st"}],
     ("phone", "address", "postcode"), True),
    ([{}, {}, {"address": "1 a st", "postcode": "B11AA"},
      {"address": "2 b st", "postcode": "B11AA"}], ("phone", "address", "postcode"), False),
    ([{}, {}, {"phone": "071"}, {"address": "2 b st"}],
     ("phone", "address", "postcode"), False),  # nothing compared
    ([{}, {}, {"phone": "071", "address": "1 a st"}, {"phone": "071", "address": "2 b st"}],
     ("phone", "address", "postcode"), False),  # a phone in common outweighs a move
])
def test_persons_disagree(rows, fields, expected):
    df = _table(rows)
    pairs = pd.DataFrame({"unique_id_l": [1], "unique_id_r": [2]})
    clusters = {1: 1, 2: 2, 3: 1, 4: 2}
    got = pipeline.persons_disagree(df, pairs, np.array([True]), clusters, fields=fields)
    assert bool(got[0]) is expected
    unmarked = pipeline.persons_disagree(df, pairs, np.array([False]), clusters, fields=fields)
    assert not unmarked[0]


JANE = dict(forename="Jane", surname="Okafor", sex="F")


def _link(*records, **options):
    df = frame.build([{"id": i, "postcode": "", "address": "", "phone": "", **r}
                      for i, r in enumerate(records, start=1)])
    trained = model.load_file(model.DEFAULT_MODEL)
    return pipeline.link(df, trained, link_probability=0.95, review_probability=0.5,
                         **options)


def _pair(linked, a, b):
    p = linked.pairs
    return p[(p["unique_id_l"] == a) & (p["unique_id_r"] == b)].iloc[0]


PHONE = "07700 900456"


@pytest.mark.parametrize(("second", "linked"), [
    # The same phone and surname, the forename garbled (a nickname with a typo).
    ({"forename": "Lknna", "phone": PHONE}, True),
    # The same phone and forename, another surname (a married name).
    ({"surname": "Brown", "phone": PHONE}, True),
    # Another phone, the same forename: a name alone, contradicted by the phones.
    ({"phone": "07911 123456"}, False),
])
def test_a_shared_phone_links_a_pair_the_model_leaves_in_review(second, linked):
    records = [{**JANE, "date_of_birth": date(1984, 7, 12), "phone": PHONE},
               {**JANE, "date_of_birth": None, **second}]
    result = _link(*records)
    pair = _pair(result, 1, 2)
    assert 0.5 <= pair["match_probability"] < 0.95  # the model alone would not link
    assert bool(pair["shared_phone"]) is linked
    assert (result.clusters[1] == result.clusters[2]) is linked


def test_a_shared_phone_with_both_names_different_and_no_date_does_not_link():
    result = _link({**JANE, "date_of_birth": None, "phone": PHONE},
                   {"forename": "Ade", "surname": "Brown", "sex": "M", "date_of_birth": None,
                    "phone": PHONE})
    pairs = result.pairs
    assert pairs.empty or not pairs["shared_phone"].any()
    assert result.clusters[1] != result.clusters[2]


def test_a_force_may_leave_shared_phones_to_review():
    records = [{**JANE, "date_of_birth": date(1984, 7, 12), "phone": PHONE},
               {**JANE, "forename": "Lknna", "date_of_birth": None, "phone": PHONE}]
    result = _link(*records, shared_phones=False)
    assert not _pair(result, 1, 2)["shared_phone"]
    assert result.clusters[1] != result.clusters[2]


def _uncertain_name(extra_holders: int):
    """A dated Jane Okafor, `extra_holders` more records of the name (another date:
    a different Jane), and a record with the surname a letter off and nothing else."""
    dated = {**JANE, "date_of_birth": date(1984, 7, 12)}
    others = [{**JANE, "date_of_birth": date(1990 + i, 3, 3)} for i in range(extra_holders)]
    alone = {**JANE, "surname": "Okafro", "date_of_birth": None}
    return [dated, *others, alone]


@pytest.mark.parametrize(("extra_holders", "namesake"), [(0, False), (1, True), (2, True)])
def test_a_name_only_pair_whose_name_others_hold_is_not_queued(extra_holders, namesake):
    records = _uncertain_name(extra_holders)
    result = _link(*records)
    last = len(records)
    pair = _pair(result, 1, last)
    assert 0.5 <= pair["match_probability"] < 0.95
    assert bool(pair["namesake"]) is namesake
    band = review_band(result.pairs, result.clusters, Policy())
    queued = ((band["unique_id_l"] == 1) & (band["unique_id_r"] == last)).any()
    assert bool(queued) is not namesake
    asked = review_band(result.pairs, result.clusters,
                        replace(Policy(), link_review_namesakes=True))
    assert ((asked["unique_id_l"] == 1) & (asked["unique_id_r"] == last)).any()


def test_two_phones_at_one_address_keep_a_similar_forename_apart():
    home = dict(address="4 Mill Lane", postcode="B12 9QR")
    result = _link({**JANE, "forename": "Eleanor", "date_of_birth": date(1984, 7, 12),
                    "phone": "07700 900111", **home},
                   {**JANE, "forename": "Ellie", "date_of_birth": None,
                    "phone": "07911 123456", **home})
    pair = _pair(result, 1, 2)
    assert pair["second_person"] and pair["demoted"] and pair["household"]
    assert result.clusters[1] != result.clusters[2]
    band = review_band(result.pairs, result.clusters, Policy())
    assert band.empty  # a household: not queued either


@pytest.mark.parametrize(("names", "row", "expected"), [
    # (forename - 2) x (surname - 2) / records, plus the name the other way round.
    ([("jane", "okafor")] * 2, 0, 0.0),  # the pair alone: no other holder expected
    ([("jane", "okafor")] * 2 + [("jane", "brown"), ("mary", "okafor")], 0, 1 / 4),
    ([("jane", "okafor")] * 2 + [("jane", "brown")] * 3 + [("mary", "okafor")] * 3, 0,
     9 / 8),
    ([("jane", "okafor"), ("okafor", "jane")], 0, 0.5),  # the swapped holder: 1 x 1 / 2
    ([("jane", ""), ("jane", "okafor")], 0, 0.0),  # no surname: not a full name
])
def test_chance_holders(names, row, expected):
    df = pd.DataFrame({"forename": [f for f, _ in names], "surname": [s for _, s in names]})
    assert pipeline.chance_holders(df)[row] == pytest.approx(expected)


@pytest.mark.parametrize(("others", "max_chance", "linked"), [
    (2, 1.0, True),  # 2 x 2 / 6 = 0.67 other Jane Okafors expected by chance: links
    (3, 1.0, False),  # 3 x 3 / 8 = 1.125: a namesake is to be expected
    (3, 9 / 8, False),  # the limit itself does not link
    (3, 1.5, True),  # a force's higher limit
    (3, None, True),  # no limit: the rule as it was
])
def test_a_sole_name_links_only_where_a_namesake_is_unlikely(others, max_chance, linked):
    dated = {**JANE, "date_of_birth": date(1984, 7, 12)}
    bare = {**JANE, "date_of_birth": None}
    surnames = ["Brown", "Smith", "Patel", "Jones"][:others]
    forenames = ["Mary", "Ruth", "Grace", "Ada"][:others]
    crowd = ([{**JANE, "surname": s, "date_of_birth": date(1960 + i, 1, 1)}
              for i, s in enumerate(surnames)]
             + [{**JANE, "forename": f, "date_of_birth": date(1970 + i, 1, 1)}
                for i, f in enumerate(forenames)])
    result = _link(dated, *crowd, bare, sole_name_max_chance=max_chance)
    last = 2 + len(crowd)
    pair = _pair(result, 1, last)
    assert 0.5 <= pair["match_probability"] < 0.95
    assert bool(pair["sole_name"]) is linked
    assert (result.clusters[1] == result.clusters[last]) is linked


@pytest.mark.parametrize(("third", "bare", "linked"), [
    # The bare record holds the dated one's name, keyed the wrong way round: the pair
    # alone holds "Carl Dale", a sole name.
    (None, ("Dale", "Carl"), True),
    # With a slip in the swapped name ("Dale Carroll") the two hold different names,
    # and a second Carl Dale (another date of birth) holds the dated one's: not a sole
    # name, whatever the count of "carl dale" says.
    (("Carl", "Dale"), ("Dale", "Carroll"), False),
    # The same slip, no second Carl Dale: the name is still not the pair's alone to
    # share ("carl dale" is held once, "dale carroll" once).
    (None, ("Dale", "Carroll"), False),
])
def test_a_sole_name_is_one_name_held_by_the_pair(third, bare, linked):
    dated = {"forename": "Carl", "surname": "Dale", "sex": "M",
             "date_of_birth": date(1991, 4, 30)}
    rows = [dated]
    if third:
        rows.append({"forename": third[0], "surname": third[1], "sex": "M",
                     "date_of_birth": date(1962, 1, 2)})
    rows.append({"forename": bare[0], "surname": bare[1], "sex": "M", "date_of_birth": None})
    result = _link(*rows)
    pair = _pair(result, 1, len(rows))
    assert 0.5 <= pair["match_probability"] < 0.95  # the model alone would not link
    assert bool(pair["sole_name"]) is linked
    assert (result.clusters[1] == result.clusters[len(rows)]) is linked


def _slip(forename, others):
    """A dated record and a bare one with `forename` (Storey both), after `others`."""
    dated = {"forename": "Rachel", "surname": "Storey", "sex": "F",
             "date_of_birth": date(1990, 5, 6)}
    crowd = [{"forename": f, "surname": s, "sex": "F", "date_of_birth": date(1960 + i, 1, 2)}
             for i, (f, s) in enumerate(others)]
    bare = {"forename": forename, "surname": "Storey", "sex": "F", "date_of_birth": None}
    return _link(dated, *crowd, bare), 2 + len(crowd)


@pytest.mark.parametrize(("forename", "others", "linked"), [
    # "Raachael" is one record's spelling, "Rachel" a name others hold: a slip of a
    # name no other record holds, linked like a sole name.
    ("Raachael", [("Rachel", "Brown")], True),
    # Neither spelling held elsewhere: which is the slip? Left to review.
    ("Raachael", [], False),
    # Both spellings held by others: two real names, not a slip.
    ("Raachael", [("Rachel", "Brown"), ("Raachael", "Brown")], False),
    # A third record holds "Rachel Storey": a namesake is about.
    ("Raachael", [("Rachel", "Brown"), ("Rachel", "Storey")], False),
])
def test_a_slip_of_a_sole_name_links(forename, others, linked):
    result, last = _slip(forename, others)
    pair = _pair(result, 1, last)
    assert 0.5 <= pair["match_probability"] < 0.95  # the model alone would not link
    assert bool(pair["sole_name"]) is linked
    assert (result.clusters[1] == result.clusters[last]) is linked


@pytest.mark.parametrize(("forenames", "surnames", "expected"), [
    (("Jaro-Winkler >= 0.92", "Exact"), (("rachel", 2), ("raachael", 1)), True),
    (("One letter wrong", "Exact"), (("rachel", 2), ("racel", 1)), True),
    (("Jaro-Winkler >= 0.92", "Exact"), (("rachel", 1), ("raachael", 1)), False),
    (("Jaro-Winkler >= 0.92", "Exact"), (("rachel", 2), ("rachael", 2)), False),
    (("Nickname", "Exact"), (("rachel", 2), ("rach", 1)), False),  # not a slip
    (("Jaro-Winkler >= 0.92", "Jaro-Winkler >= 0.92"), (("rachel", 2), ("raachael", 1)),
     False),  # a slip in both names
])
def test_sole_slip(forenames, surnames, expected):
    """pipeline._sole_slip on one pair: the forename levels, and each record's forename
    with how many records hold it (full names held once each)."""
    (a, na), (b, nb) = surnames
    rows = [(a, "storey"), (b, "storey")] + [(a, f"other{i}") for i in range(na - 1)] + [
        (b, f"more{i}") for i in range(nb - 1)]
    df = pd.DataFrame({"forename": [f for f, _ in rows], "surname": [s for _, s in rows]})
    name, named, count = pipeline._full_names(df)
    got = pipeline._sole_slip(df, [forenames], np.array([0]), np.array([1]), named, count)
    assert bool(got[0]) is expected


MARC = dict(forename="Marc", surname="Oliver", sex="M", address="16 Day Street",
            postcode="WV1 7TS")


@pytest.mark.parametrize(("maurice_has_a_phone", "linked"), [(True, False), (False, True)])
def test_a_phoneless_record_is_checked_with_its_own_persons_phone(maurice_has_a_phone,
                                                                  linked):
    """Marc and Maurice Oliver at one address, a phone each; a record of Maurice's
    without a phone or a date, at the address. Its link to Marc rests on the place
    and a forename that sounds alike; made without every link on a place alone, its
    person holds no phone and the check found nothing to compare. With Maurice's
    same-named record at the place kept, it holds his phone: two people of one
    household, neither linked nor queued. Where Maurice's other record holds no
    phone either, nothing says two people."""
    marc = {**MARC, "date_of_birth": date(1988, 12, 20), "phone": "07476 870975"}
    maurice = {**MARC, "forename": "Maurice", "date_of_birth": None,
               "phone": "07819 343177" if maurice_has_a_phone else ""}
    bare = {**MARC, "forename": "Maurice", "date_of_birth": None}
    result = _link(marc, maurice, bare)
    pair = _pair(result, 1, 3)
    assert pair["match_probability"] >= 0.95  # the model alone would link
    assert bool(pair["demoted"]) is not linked
    assert bool(pair["household"]) is not linked  # two people of one household
    assert (result.clusters[1] == result.clusters[3]) is linked
    assert result.clusters[2] == result.clusters[3]
    band = review_band(result.pairs, result.clusters, Policy())
    assert not ((band["unique_id_l"] == 1) & (band["unique_id_r"] == 3)).any()
