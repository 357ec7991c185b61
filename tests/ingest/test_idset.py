from hypothesis import given
from hypothesis import strategies as st

from vigil.ingest.idset import IdSet


@given(st.lists(st.integers(min_value=0, max_value=5000)))
def test_behaves_like_a_set_of_ints(ids):
    s = IdSet(ids)
    assert s == set(ids) and set(s) == set(ids)
    assert len(s) == len(set(ids))
    assert list(s) == sorted(set(ids))
    assert all(i in s for i in ids)
    assert -1 not in s and 5001 not in s and "1" not in s
