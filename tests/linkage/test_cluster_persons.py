"""Which existing person each cluster keeps (batch.cluster_persons, set-wise)."""

from collections import Counter, defaultdict

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.people.linkage.batch import cluster_persons


def one_by_one(clusters: dict[int, int], current: dict[int, int | None]) -> dict:
    """The rule record by record: largest cluster first (then lowest id), each taking
    its most common unclaimed person (then lowest id)."""
    members = defaultdict(list)
    for record, c in sorted(clusters.items()):
        members[c].append(record)
    claimed, target = set(), {}
    for c in sorted(members, key=lambda c: (-len(members[c]), c)):
        votes = Counter(current[r] for r in members[c] if current[r] is not None)
        choice = next((p for p, _n in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
                       if p not in claimed), None)
        if choice is not None:
            claimed.add(choice)
        target[c] = choice
    return target


def table(clusters, current):
    records = sorted(clusters)
    return pd.DataFrame({"record": records, "cluster": [clusters[r] for r in records],
                         "person": pd.array([current[r] for r in records], dtype="Int64")})


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(1, 60), st.tuples(st.integers(1, 8),
                                                      st.none() | st.integers(100, 106)),
                       min_size=1))
def test_matches_the_rule_applied_one_cluster_at_a_time(data):
    clusters = {r: c for r, (c, _p) in data.items()}
    current = {r: p for r, (_c, p) in data.items()}
    got = cluster_persons(table(clusters, current))
    assert got == one_by_one(clusters, current)
    assert list(got) == list(one_by_one(clusters, current))  # the order new persons get ids


def test_a_split_person_stays_with_its_larger_part():
    # Person 100 had records 1-3; the model now puts 1, 2 together and 3 with new record 4.
    got = cluster_persons(table({1: 1, 2: 1, 3: 3, 4: 3}, {1: 100, 2: 100, 3: 100, 4: None}))
    assert got == {1: 100, 3: None}
