"""Batch linkage, the review workflow, rulings that later runs respect, audit and revert."""

from datetime import date

import pytest

from tests.factories import at
from tests.linkage.helpers import record
from vigil.core.models import AuditEvent
from vigil.people.linkage import decisions
from vigil.people.linkage.batch import link_all
from vigil.people.models import (
    LinkChange,
    LinkDecision,
    Person,
    PersonRedirect,
    ReviewPair,
    SourceRecord,
)

T0 = at(2026, 1, 5)
T1 = at(2026, 1, 6)
T2 = at(2026, 1, 7)


def fresh(r: SourceRecord) -> SourceRecord:
    return SourceRecord.objects.get(pk=r.pk)


@pytest.fixture
def jane(db):
    """One woman in three systems: a nickname-free typo, a new phone, a swapped DOB."""
    return [
        record(system="CONNECT"),
        record(system="CONTROL", surname="Smyth", phone=""),
        record(system="MARAC", date_of_birth=date(1990, 4, 3), address="12 High St"),
    ]


@pytest.fixture
def others(db):
    return [
        record(forename="Priya", surname="Patel", date_of_birth=date(1975, 7, 1), sex="F",
               postcode="CV1 1AA", address="3 Mill Lane", phone="07123 456789"),
        record(forename="Tom", surname="Jones", date_of_birth=date(1968, 2, 9), sex="M",
               postcode="WV1 1AA", address="8 Queen Street", phone="01902 111222"),
    ]


def persons_of(records):
    return {fresh(r).person_id for r in records}


def test_link_all_merges_the_same_person_and_keeps_others_apart(jane, others):
    before = persons_of(jane)
    run = link_all(as_of=T0, actor="test")
    assert len(persons_of(jane)) == 1
    # The merged person is one of the persons the records already had.
    assert persons_of(jane) <= before
    assert len(persons_of(others)) == 2
    assert persons_of(others).isdisjoint(persons_of(jane))
    assert run.records == 5 and run.persons == 3 and run.moved == 2
    # Persons emptied by the merge point at the survivor.
    survivor = persons_of(jane).pop()
    assert set(PersonRedirect.objects.values_list("to_person_id", flat=True)) == {survivor}
    event = AuditEvent.objects.get(action=AuditEvent.Action.LINK)
    assert event.object_id == str(run.change_id) and event.detail["moved"] == 2


def test_a_second_run_changes_nothing(jane, others):
    link_all(as_of=T0)
    first = {r.pk: fresh(r).person_id for r in jane + others}
    run = link_all(as_of=T1)
    assert run.moved == 0
    assert {r.pk: fresh(r).person_id for r in jane + others} == first


def test_person_shows_the_latest_record_details(jane):
    link_all(as_of=T0)
    person = Person.objects.get(pk=fresh(jane[0]).person_id)
    latest = SourceRecord.objects.filter(person=person).order_by("updated_at", "id").last()
    assert (person.surname, person.date_of_birth) == (latest.surname, latest.date_of_birth)


def test_a_split_stays_split_after_a_later_automatic_run(jane, make_user):
    reviewer = make_user("da_desk")
    link_all(as_of=T0)
    change = decisions.split_record(fresh(jane[1]), user=reviewer, as_of=T1,
                                    reason="different date of birth on custody record")
    assert fresh(jane[1]).person_id != fresh(jane[0]).person_id
    assert LinkDecision.objects.filter(change=change, kind="different").count() == 2
    link_all(as_of=T2)
    assert fresh(jane[1]).person_id != fresh(jane[0]).person_id
    assert fresh(jane[2]).person_id == fresh(jane[0]).person_id
    unlink = AuditEvent.objects.filter(action=AuditEvent.Action.UNLINK)
    assert {e.user_id for e in unlink} == {reviewer.pk}
    assert unlink.count() == 2  # the old person and the new one


def test_marked_different_persons_are_never_merged(jane, make_user):
    reviewer = make_user("da_desk")
    a, b = Person.objects.get(pk=jane[0].person_id), Person.objects.get(pk=jane[1].person_id)
    decisions.mark_different(a, b, user=reviewer, as_of=T0, reason="twins")
    link_all(as_of=T1)
    assert fresh(jane[0]).person_id != fresh(jane[1]).person_id
    # The third record may join one of them, but never bridges the two.
    assert len(persons_of(jane)) == 2


def test_a_reviewer_link_survives_a_run_and_overrides_an_older_ruling(others, make_user):
    reviewer = make_user("da_desk")
    a, b = (Person.objects.get(pk=r.person_id) for r in others)
    decisions.mark_different(a, b, user=reviewer, as_of=T0)
    decisions.link_persons(a, b, user=reviewer, as_of=T1, reason="same NI number")
    link_all(as_of=T2)
    assert len(persons_of(others)) == 1
    active = LinkDecision.objects.filter(revoked_at__isnull=True)
    assert set(active.values_list("kind", flat=True)) == {"same"}


def test_revert_puts_records_back_exactly(jane, make_user):
    reviewer = make_user("da_desk")
    run = link_all(as_of=T0)
    batch = LinkChange.objects.get(pk=run.change_id)
    split = decisions.split_record(fresh(jane[1]), user=reviewer, as_of=T1)
    # The run cannot be undone while a later change moved one of its records.
    with pytest.raises(decisions.LinkageError, match="moved since"):
        decisions.revert(batch, user=reviewer, as_of=T2)
    decisions.revert(split, user=reviewer, as_of=T2)
    assert len(persons_of(jane)) == 1
    assert not LinkDecision.objects.filter(revoked_at__isnull=True).exists()
    with pytest.raises(decisions.LinkageError, match="already reverted"):
        decisions.revert(split, user=reviewer, as_of=T2)
    assert AuditEvent.objects.filter(action="link", context__startswith="revert").exists()


def test_revert_of_a_batch_run_restores_singletons(jane):
    before = {r.pk: r.person_id for r in jane}
    run = link_all(as_of=T0)
    decisions.revert(LinkChange.objects.get(pk=run.change_id), user="cli", as_of=T1)
    assert {r.pk: fresh(r).person_id for r in jane} == before
    assert not PersonRedirect.objects.exists()


@pytest.fixture
def uncertain(db):
    """Same forename, the surname a letter off, one date of birth missing, nothing
    else known: for a reviewer (the exact name alone, held by no other record,
    would link: pipeline.sole_name)."""
    a = record(forename="Kerry", surname="Walsh", date_of_birth=date(1988, 8, 8), sex="U",
               postcode="", address="", phone="")
    b = record(forename="Kerry", surname="Walssh", date_of_birth=None, sex="U",
               postcode="", address="", phone="")
    return a, b


def test_uncertain_pairs_queue_for_review_and_a_reviewer_decides(uncertain, make_user,
                                                                  settings):
    reviewer = make_user("da_desk")
    link_all(as_of=T0)
    pair = ReviewPair.objects.get()
    assert pair.status == "open"
    assert 0.5 <= pair.match_probability < 0.95
    assert ["dob", "missing"] in pair.evidence and ["forename", "Exact"] in pair.evidence
    decisions.decide_review(pair, same=True, user=reviewer, as_of=T1)
    a, b = uncertain
    assert fresh(a).person_id == fresh(b).person_id
    assert ReviewPair.objects.get().status == "linked"
    with pytest.raises(decisions.LinkageError, match="already decided"):
        decisions.decide_review(ReviewPair.objects.get(), same=False, user=reviewer, as_of=T1)
    link_all(as_of=T2)
    assert fresh(a).person_id == fresh(b).person_id
    assert ReviewPair.objects.get().status == "linked"


def test_reviewer_says_different_and_the_pair_is_not_queued_again(uncertain, make_user):
    reviewer = make_user("da_desk")
    link_all(as_of=T0)
    decisions.decide_review(ReviewPair.objects.get(), same=False, user=reviewer, as_of=T1)
    run = link_all(as_of=T2)
    assert run.review_pairs == 0
    assert ReviewPair.objects.get().status == "different"


def test_bad_actions_are_refused_with_a_reason(jane, make_user):
    reviewer = make_user("da_desk")
    p = Person.objects.get(pk=jane[0].person_id)
    with pytest.raises(decisions.LinkageError, match="already this person's"):
        decisions.link_persons(p, p, user=reviewer, as_of=T0)
    with pytest.raises(decisions.LinkageError, match="only record"):
        decisions.split_record(fresh(jane[0]), user=reviewer, as_of=T0)
