"""A person's whole history in blocking and comparison (issue 17, item 3): a record
is compared with every surname, address and phone the person it may belong to has
had, so a person who moved or married is still compared, and linked."""

from datetime import date

import numpy as np

from tests.factories import at
from tests.linkage.helpers import record
from vigil.people.linkage import frame, history, model, pipeline
from vigil.people.linkage.batch import link_all

BORN = "1985-07-02"
OLD = dict(address="12 Mill Lane, Leeds", postcode="LS1 4AB")
NEW = dict(address="5 Park Road, Leeds", postcode="LS6 2CD")

# She moved. Her full record (date of birth) holds the old address; the record
# with the new address was keyed with her names the wrong way round, each with a
# slip, and no date of birth (linked to the first by the phone). A new record: her
# nickname, a date one digit off, the new address only. Against the full record it is "same name,
# date one digit off, nothing else" (held back); against the swapped one its
# names do not match. Only her history holds her new address and her date of birth.
MOVED = [
    dict(id=1, forename="Margaret", surname="Holloway", date_of_birth=BORN, sex="F", **OLD,
         phone="07700900111"),
    dict(id=2, forename="Hlloway", surname="Margret", date_of_birth=None, sex="F", **NEW,
         phone="07700900111"),
    dict(id=3, forename="Peggy", surname="Holloway", date_of_birth="1985-07-03", sex="F",
         **NEW, phone=""),
]
# She married. Her full record is under her maiden name; her married name is on a
# record with only her phone. A new record: married name, nickname, a date two
# digits off, at the address of her full record.
MARRIED = [
    dict(id=11, forename="Sarah", surname="Whitfield", date_of_birth=BORN, sex="F", **OLD,
         phone="07700900333"),
    dict(id=12, forename="Sarah", surname="Pennington", date_of_birth=BORN, sex="F",
         address="", postcode="", phone="07700900333"),
    dict(id=13, forename="Sally", surname="Pennington", date_of_birth="1985-07-20", sex="F",
         **OLD, phone=""),
]


def _link(records, history_pass):
    trained = model.load_file(model.DEFAULT_MODEL)
    return pipeline.link(frame.build(records), trained, link_probability=0.95,
                         review_probability=0.5, history_pass=history_pass)


def _pair(linked, a, b):
    p = linked.pairs
    return p[(p["unique_id_l"] == a) & (p["unique_id_r"] == b)]


def test_a_person_who_moved_is_compared_with_her_new_address_and_linked(db):
    without = _link(MOVED, history_pass=False)
    assert without.clusters[3] != without.clusters[1]  # kept apart without her history
    linked = _link(MOVED, history_pass=True)
    assert linked.clusters[3] == linked.clusters[1] == linked.clusters[2]
    found = _pair(linked, 1, 3).iloc[0]
    assert found["history"] and found["match_probability"] >= 0.95 and not found["demoted"]


def test_a_person_who_married_is_compared_with_her_married_name_and_linked(db):
    without = _link(MARRIED, history_pass=False)
    assert without.clusters[13] != without.clusters[11]
    linked = _link(MARRIED, history_pass=True)
    assert linked.clusters[13] == linked.clusters[11] == linked.clusters[12]
    assert _pair(linked, 11, 13).iloc[0]["history"]


def test_history_rows_carry_the_persons_other_surnames_and_places():
    df = frame.build(MARRIED).assign(unique_id=np.arange(3))
    rows = history.rows(df, np.array([0, 0, 2]))  # 11 and 12 one person, 13 alone
    assert 2 not in set(rows["of"])  # a person of one record has no history
    full = rows[rows["of"] == 0]
    # Her full record with her married surname (and her own address, phone kept).
    assert ((full["surname"] == "pennington") & (full["forename"] == "sarah")
            & (full["dob"] == BORN) & (full["postcode"] == "LS14AB")).any()
    assert rows["unique_id"].min() == 3  # numbered after the records
    assert rows["bk_name"].notna().all()  # and blocked on like any record


def test_history_is_bounded_whatever_the_size_of_a_person():
    people = [dict(id=i, forename="Jo", surname=f"Name{i}", date_of_birth=BORN, sex="F",
                   address=f"{i} High Street", postcode=f"B{i % 90 + 1} 1AA",
                   phone=f"07700{900000 + i}") for i in range(60)]
    df = frame.build(people).assign(unique_id=np.arange(60))
    rows = history.rows(df, np.zeros(60, dtype=int))
    per_record = rows.groupby("of").size()
    assert per_record.max() <= 4 * history.MAX_OTHERS
    assert len(rows) <= 60 * 4 * history.MAX_OTHERS


def test_namesake_without_a_date_of_birth_is_not_linked_through_a_history():
    # Mother and daughter of the same name at one address (seen on the synthetic
    # force): a record with no date of birth is not linked through the history of
    # either; the date-of-birth guard can only weigh persons holding a date.
    records = [
        dict(id=1, forename="Emma", surname="Bennett", date_of_birth="1966-05-26", sex="F",
             address="96 Hartley Rise, Dudley", postcode="DY9 2TG", phone="07235340995"),
        dict(id=2, forename="Emma", surname="Bennett", date_of_birth=None, sex="F",
             address="", postcode="DY9 2TG", phone="07517916240"),
        dict(id=3, forename="Emma", surname="Bennett", date_of_birth=None, sex="F",
             address="", postcode="", phone="07517916240"),
    ]
    linked = _link(records, history_pass=True)
    assert not linked.pairs.loc[linked.pairs["history"], "unique_id_l"].isin([2, 3]).any() \
        or linked.clusters[2] == linked.clusters[3]


def test_vigil_link_links_a_person_who_married(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    made = {}
    for r in MARRIED:
        born = r["date_of_birth"]
        made[r["id"]] = record(
            forename=r["forename"], surname=r["surname"],
            date_of_birth=date.fromisoformat(born) if born else None, sex=r["sex"],
            address=r["address"], postcode=r["postcode"], phone=r["phone"])
    link_all(as_of=at(2026, 3, 1), train=False)
    for r in made.values():
        r.refresh_from_db()
    assert len({r.person_id for r in made.values()}) == 1
