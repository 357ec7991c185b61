"""The review queue in the order of how much a decision changes (issue 17, item 5):
the records of the two persons a pair joins, weighted by risk (high-risk DASH or
MARAC on either side); the review page shows pairs in that order."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import at
from tests.linkage.helpers import record
from tests.web.builders import make_risk
from vigil.core.policy import Policy
from vigil.people.cli import cmd_link
from vigil.people.linkage import priority
from vigil.people.linkage.batch import link_all
from vigil.people.models import ReviewPair

T0 = at(2026, 1, 5)
BARE = dict(sex="U", postcode="", address="", phone="")


@pytest.mark.parametrize("joined, at_risk, weight, expected", [
    (2, False, 4.0, 2.0),
    (2, True, 4.0, 8.0),  # a high-risk victim's pair before one joining 7 records
    (7, False, 4.0, 7.0),
    (7, True, 1.0, 7.0),  # a force that weighs risk as nothing
])
def test_priority_is_records_joined_weighted_by_risk(joined, at_risk, weight, expected):
    assert priority.of_pair(joined, at_risk, weight) == expected


def test_of_groups_counts_both_persons_records_and_any_record_at_risk():
    group_of = {1: 10, 2: 10, 3: 10, 4: 20, 5: 30}
    ranks = priority.of_groups([(1, 4), (4, 5)], group_of, at_risk={5}, risk_weight=4.0)
    assert ranks == [(4, False, 4.0), (2, True, 8.0)]


def _uncertain(forename, surname, born, copies=1):
    """`copies` records that link (full name, date of birth), and one record of the
    same forename, the surname a letter off, the year of birth a digit off and
    nothing else: a pair held back for review (the exact name alone, held by no
    other record, would link: pipeline.sole_name; a name alone that other records
    hold is not queued: pipeline.namesake)."""
    linked = [record(forename=forename, surname=surname, date_of_birth=born, **BARE,
                     system="CONNECT") for _ in range(copies)]
    alone = record(forename=forename, surname=surname[:-1] + surname[-2:],
                   date_of_birth=born.replace(year=born.year + 1), **BARE, system="CONTROL")
    return linked, alone


@pytest.fixture
def queue(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    plain, _ = _uncertain("Kerry", "Walsh", date(1985, 6, 1))
    big, _ = _uncertain("Dean", "Moss", date(1979, 2, 14), copies=3)
    risky, _ = _uncertain("Ayesha", "Khan", date(1991, 9, 30))
    make_risk(risky[0], at(2026, 1, 2), level=3)
    run = link_all(as_of=T0, train=False)
    return run, {"plain": plain[0], "big": big[0], "risky": risky[0]}


def test_queue_is_ordered_by_how_much_a_decision_changes(queue):
    run, recs = queue
    pairs = list(ReviewPair.objects.filter(status="open"))
    assert run.review_pairs == len(pairs) == 3
    order = [p.record_a_id for p in pairs]  # the model's default ordering
    assert order == [recs["risky"].pk, recs["big"].pk, recs["plain"].pk]
    facts = [(p.records_joined, p.at_risk, p.priority) for p in pairs]
    assert facts == [(2, True, 8.0), (4, False, 4.0), (2, False, 2.0)]


def test_a_policy_without_risk_weight_orders_by_size_alone(queue, monkeypatch):
    monkeypatch.setattr("vigil.people.linkage.batch.current_policy",
                        lambda: Policy(link_review_risk_weight=1.0))
    link_all(as_of=at(2026, 1, 6), train=False)  # open pairs are re-prioritised
    pairs = list(ReviewPair.objects.filter(status="open"))
    assert [p.priority for p in pairs] == [4.0, 2.0, 2.0]
    assert pairs[0].record_a_id == queue[1]["big"].pk


def test_review_page_shows_pairs_in_that_order(queue, client, make_user):
    _run, recs = queue
    client.force_login(make_user("safeguarding"))
    html = client.get(reverse("linkage:review")).content.decode()
    at_ = [html.index(name) for name in ("Ayesha Khan", "Dean Moss", "Kerry Walsh")]
    assert at_ == sorted(at_)
    assert "High risk or MARAC" in html and "joins 4 records" in html


class Args:
    train, as_of, threads, memory_limit = False, "2026-01-07T09:00", 1, None
    engine = "duckdb"


def test_vigil_link_reports_the_queue_size(queue, capsys):
    cmd_link(Args())
    out = capsys.readouterr().out
    assert "Review queue: 3 pairs await review" in out
    assert "1 with a person at high risk or at MARAC, first in the queue" in out


def test_an_uncertain_arrival_is_queued_with_its_priority(db, settings, tmp_path):
    from vigil.people.linkage.incremental import link_new

    settings.DATA_DIR = tmp_path
    person = record(system="CONNECT")
    record(system="CONTROL", phone="")  # Jane Smith: two records, one person
    make_risk(person, at(2026, 1, 2), level=3)
    link_all(as_of=T0, train=False)
    new = record(system="CUSTODY", date_of_birth=None, **BARE)
    [arrival] = link_new([new.pk], as_of=at(2026, 1, 6))
    assert not arrival.joined
    pair = ReviewPair.objects.get(status="open")
    assert (pair.records_joined, pair.at_risk, pair.priority) == (3, True, 12.0)
