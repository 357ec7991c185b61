"""The date-of-birth guard weighs the evidence (issue 17), with the shipped model."""

from datetime import date

import pytest

from vigil.people.linkage import frame, model, pipeline

JANE = dict(forename="Jane", surname="Okafor", sex="F")


def _link(*records):
    df = frame.build([{"id": i, "postcode": "", "address": "", "phone": "", **r}
                      for i, r in enumerate(records, start=1)])
    trained = model.load_file(model.DEFAULT_MODEL)
    return pipeline.link(df, trained, link_probability=0.95, review_probability=0.5)


def _pair(linked, a, b):
    p = linked.pairs
    return p[(p["unique_id_l"] == a) & (p["unique_id_r"] == b)].iloc[0]


def test_same_name_a_digit_off_and_nothing_else_goes_to_review_not_linked():
    linked = _link({**JANE, "date_of_birth": date(1984, 7, 12)},
                   {**JANE, "date_of_birth": date(1984, 7, 13)})
    pair = _pair(linked, 1, 2)
    assert pair["demoted"]
    assert linked.clusters[1] != linked.clusters[2]


def test_the_same_with_a_shared_phone_links():
    phone = "07700 900456"
    linked = _link({**JANE, "date_of_birth": date(1984, 7, 12), "phone": phone},
                   {**JANE, "date_of_birth": date(1984, 7, 13), "phone": phone})
    assert not _pair(linked, 1, 2)["demoted"]
    assert linked.clusters[1] == linked.clusters[2]


def test_a_day_off_across_a_month_does_not_keep_apart_records_sharing_a_phone():
    # 30/09 and 01/10 differ in four digits; the undated record shares the phone
    # and address with both, so the guard allows the one-day slip.
    home = dict(phone="07700 900789", address="4 Mill Lane", postcode="B12 9QR")
    linked = _link({**JANE, **home, "date_of_birth": date(1984, 9, 30)},
                   {**JANE, **home, "date_of_birth": None},
                   {**JANE, **home, "date_of_birth": date(1984, 10, 1)})
    assert linked.clusters[1] == linked.clusters[2] == linked.clusters[3]


def test_without_a_shared_phone_or_address_the_guard_still_holds():
    linked = _link({**JANE, "date_of_birth": date(1984, 9, 30)},
                   {**JANE, "date_of_birth": None},
                   {**JANE, "date_of_birth": date(1984, 10, 1)})
    assert len({linked.clusters[i] for i in (1, 2, 3)}) >= 2


def test_father_and_son_at_one_address_are_never_linked_automatically():
    home = dict(phone="07700 900321", address="9 Oak Road", postcode="B9 4AA", sex="M")
    linked = _link({"forename": "John", "surname": "Walsh", "date_of_birth": date(1961, 4, 2),
                    **home},
                   {"forename": "John", "surname": "Walsh", "date_of_birth": date(1989, 11, 23),
                    **home})
    assert linked.clusters[1] != linked.clusters[2]


def test_dates_near():
    from vigil.people.linkage.cluster import dobs_compatible, dobs_near

    assert dobs_near("1984-09-30", "1984-10-01") and not dobs_compatible("1984-09-30",
                                                                        "1984-10-01")
    assert dobs_near("1979-12-31", "1980-12-31")  # one year
    assert dobs_near("1979-12-31", "1980-01-01")  # one day, across a year
    assert not dobs_near("1979-12-31", "1981-11-30")
    assert not dobs_near("1984-09-30", "1984-10-02")


# Same name; the first record has no date of birth. (left contact, right contact,
# queued?): contact details compared and disagreeing leave the name alone against
# them; contact that agrees, or none to compare, leaves the pair for a reviewer.
@pytest.mark.parametrize(("left", "right", "queued"), [
    ({"phone": "07700 900111"}, {"phone": "07911 123456"}, False),  # phones differ
    ({"postcode": "B15 2TT", "address": "1 Elm Road"},
     {"postcode": "CV1 5FB", "address": "8 Oak Street"}, False),  # places differ
    ({"postcode": "B15 2TT", "address": "1 Elm Road"},
     {"postcode": "B15 2UU", "address": "8 Oak Street"}, False),  # same sector only
    ({"postcode": "B15 2TT", "address": "1 Elm Road"},
     {"postcode": "B15 9ZZ", "address": "8 Oak Street"}, False),  # same district only
    ({}, {}, True),  # nothing to compare
    ({"phone": "07700 900111"}, {"postcode": "CV1 5FB", "address": "8 Oak Street"},
     True),  # no field in common: contact missing, not against
    ({"postcode": "B15 2TT", "address": "1 Elm Road"},
     {"postcode": "B15 2TT", "address": "1 Elm Road"}, True),  # same place
])
def test_a_name_with_the_contact_details_against_it_is_not_queued(left, right, queued):
    from vigil.core.policy import current as policy
    from vigil.people.linkage.batch import review_band

    records = [{**JANE, "date_of_birth": None, **left},
               {**JANE, "date_of_birth": date(1984, 7, 12), **right}]
    linked = _link(*records)
    pair = _pair(linked, 1, 2)
    assert bool(pair["contradicted"]) is not queued
    band = review_band(linked.pairs, linked.clusters, policy())
    in_queue = ((band["unique_id_l"] == 1) & (band["unique_id_r"] == 2)).any()
    unlinked = linked.clusters[1] != linked.clusters[2]
    assert bool(in_queue) is (queued and unlinked)
    if unlinked:  # in the review band by its score: the rule alone decides
        assert 0.5 <= pair["match_probability"] < 0.95


def _named(*names, dob=None):
    return [{"forename": f, "surname": s, "sex": "F", "date_of_birth": dob}
            for f, s in names]


@pytest.mark.parametrize(("names", "linked"), [
    # The pair alone holds "Jane Okafor": linked on the name.
    ((("Jane", "Okafor"),), True),
    # The same, names keyed the wrong way round on one record.
    ((), True),
    # A third record holds the name too: two Jane Okafors at least, so review.
    ((("Jane", "Okafor"), ("Jane", "Okafor")), False),
    # Others of the surname or forename alone do not count against.
    ((("Jane", "Okafor"), ("Mary", "Okafor"), ("Jane", "Brown")), True),
])
def test_a_name_no_other_record_holds_links_a_pair_with_nothing_against_it(names, linked):
    """Same name, no date of birth on one side, no contact to compare: the model
    leaves this in review; a name held by no other record is strong evidence."""
    dated = {**JANE, "date_of_birth": date(1984, 7, 12)}
    other = ({**JANE, "date_of_birth": None} if names
             else {**JANE, "forename": "Okafor", "surname": "Jane", "date_of_birth": None})
    records = [dated, *_named(*names[1:])] if names else [dated]
    result = _link(*records, other)
    pair = _pair(result, 1, len(records) + 1)
    assert 0.5 <= pair["match_probability"] < 0.95  # the model alone would not link
    assert bool(pair["sole_name"]) is linked
    assert (result.clusters[1] == result.clusters[len(records) + 1]) is linked


def test_a_sole_name_does_not_override_the_evidence_against_it():
    # Phones differ (contradicted), and dates a digit off (held back).
    result = _link({**JANE, "date_of_birth": None, "phone": "07700 900111"},
                   {**JANE, "date_of_birth": date(1984, 7, 12), "phone": "07911 123456"})
    assert not _pair(result, 1, 2)["sole_name"] and result.clusters[1] != result.clusters[2]
    result = _link({**JANE, "date_of_birth": date(1984, 7, 12)},
                   {**JANE, "date_of_birth": date(1984, 7, 13)})
    assert not _pair(result, 1, 2)["sole_name"] and result.clusters[1] != result.clusters[2]


def test_a_force_may_leave_sole_names_to_review():
    df = frame.build([{"id": i, "postcode": "", "address": "", "phone": "", **r}
                      for i, r in enumerate([{**JANE, "date_of_birth": date(1984, 7, 12)},
                                             {**JANE, "date_of_birth": None}], start=1)])
    trained = model.load_file(model.DEFAULT_MODEL)
    off = pipeline.link(df, trained, link_probability=0.95, review_probability=0.5,
                        sole_names=False)
    assert not _pair(off, 1, 2)["sole_name"] and off.clusters[1] != off.clusters[2]
