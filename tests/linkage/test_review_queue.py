"""The review queue written by a batch run (raw inserts) reads back as ReviewPairs."""

from datetime import date

from tests.factories import at
from tests.linkage.helpers import record
from vigil.people.linkage import model
from vigil.people.linkage.batch import link_all
from vigil.people.models import ReviewPair

T0 = at(2026, 1, 5)


def test_queued_pair_has_every_field(db):
    a = record(forename="Kerry", surname="Walsh", date_of_birth=date(1985, 6, 1), sex="F",
               postcode="B15 2TT", address="", phone="")
    # The surname a letter off: the exact name alone would link (pipeline.sole_name).
    b = record(forename="Kerry", surname="Walssh", date_of_birth=None, sex="U",
               postcode="", address="", phone="")
    run = link_all(as_of=T0)
    pair = ReviewPair.objects.get()
    assert (pair.record_a_id, pair.record_b_id) == (a.pk, b.pk)
    assert (pair.status, pair.created_at, pair.decided_at, pair.decided_by) == (
        "open", T0, None, "")
    assert pair.model_version == run.model_version == model.current().version
    assert 0.5 <= pair.match_probability < 0.95 and isinstance(pair.match_weight, float)
    assert ["forename", "Exact"] in pair.evidence and ["dob", "missing"] in pair.evidence
    assert run.review_pairs == 1
    # A second run finds the same pair: still one, still open.
    assert link_all(as_of=at(2026, 1, 6)).review_pairs == 1
    assert ReviewPair.objects.get().status == "open"
