"""Clustering under human rulings, and the pairwise scores the benchmarks print."""

import pytest

from vigil.people.linkage.cluster import cluster, pairwise_scores


def groups(result):
    out = {}
    for record, c in result.items():
        out.setdefault(c, set()).add(record)
    return sorted(map(sorted, out.values()))


def test_pairs_chain_into_one_person_like_connected_components():
    assert groups(cluster([1, 2, 3, 4], [(1, 2), (2, 3)])) == [[1, 2, 3], [4]]


def test_a_different_ruling_stops_a_chain_from_bridging():
    # 1-2 and 2-3 are strong, but a person said 1 and 3 are different people.
    result = cluster([1, 2, 3], [(1, 2), (2, 3)], different=[(1, 3)])
    assert groups(result) == [[1, 2], [3]]


def test_most_probable_pair_wins_the_contested_record():
    # Pairs arrive most probable first: 3 joins 2 before it could join 1.
    result = cluster([1, 2, 3], [(2, 3), (1, 3)], different=[(1, 2)])
    assert groups(result) == [[1], [2, 3]]


def test_a_same_ruling_links_without_any_pair():
    assert groups(cluster([1, 2, 3], [], same=[(1, 3)])) == [[1, 3], [2]]


def test_rulings_about_unknown_records_are_ignored():
    assert groups(cluster([1, 2], [(1, 2)], same=[(1, 99)], different=[(2, 98)])) == [[1, 2]]


def test_a_record_without_a_date_does_not_bridge_conflicting_dates():
    # Father (1) and son (3), same name and address; 2 has no date of birth.
    dobs = {1: "1970-05-01", 2: None, 3: "1995-08-20"}
    result = cluster([1, 2, 3], [(1, 2), (2, 3)], dobs=dobs)
    assert groups(result) == [[1, 2], [3]]
    # Without the dates it is plain connected components.
    assert groups(cluster([1, 2, 3], [(1, 2), (2, 3)])) == [[1, 2, 3]]


def test_dates_the_model_can_explain_do_not_stop_a_chain():
    # Day and month swapped; one digit wrong.
    dobs = {1: "1990-03-04", 2: None, 3: "1990-04-03", 4: "1990-04-08"}
    assert groups(cluster([1, 2, 3, 4], [(1, 2), (2, 3), (3, 4)], dobs=dobs)) == [[1, 2, 3, 4]]


def test_a_pair_the_model_scored_links_despite_its_own_dates():
    # The model weighed 1-2's dates itself (e.g. an identifier agreed).
    dobs = {1: "1970-05-01", 2: "1995-08-20"}
    assert groups(cluster([1, 2], [(1, 2)], dobs=dobs)) == [[1, 2]]


def test_a_pair_cannot_merge_two_people_whose_other_records_conflict():
    # 1-2 and 3-4 are two people (dates 1966, 1993); the namesake pair 1-4 is
    # scored, but 2 and 3 (the same dates) were never compared.
    dobs = {1: "1966-09-26", 2: "1966-09-26", 3: "1993-10-13", 4: "1993-10-13"}
    result = cluster([1, 2, 3, 4], [(1, 2), (3, 4), (1, 4)], dobs=dobs)
    assert groups(result) == [[1, 2], [3, 4]]


def test_a_same_ruling_links_whatever_the_dates():
    dobs = {1: "1970-05-01", 2: None, 3: "1995-08-20"}
    assert groups(cluster([1, 2, 3], [], same=[(1, 2), (2, 3)], dobs=dobs)) == [[1, 2, 3]]


def test_cluster_id_is_the_smallest_record_id():
    assert cluster([5, 7, 9], [(9, 7)]) == {5: 5, 7: 7, 9: 7}


def test_pairwise_scores():
    truth = {1: "a", 2: "a", 3: "a", 4: "b"}
    perfect = pairwise_scores({1: 1, 2: 1, 3: 1, 4: 4}, truth)
    assert (perfect["precision"], perfect["recall"], perfect["f1"]) == (1.0, 1.0, 1.0)
    # Predict {1,2} {3,4}: 1 true pair of 3; 1 of 2 predicted pairs is right.
    s = pairwise_scores({1: 1, 2: 1, 3: 3, 4: 3}, truth)
    assert s["precision"] == pytest.approx(0.5)
    assert s["recall"] == pytest.approx(1 / 3)
    assert s["f1"] == pytest.approx(0.4)
