"""Bounded memory whatever the data (issue 18): placeholders never block, a key
too common makes no pairs, and linkage that fails after an import commits is
queued, reported and retried."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.factories import at
from tests.linkage.helpers import record
from vigil.core.policy import Policy
from vigil.people.linkage import blocking, frame, pending, placeholders, receivers
from vigil.people.linkage.models import PendingLinkage
from vigil.people.models import SourceRecord

T0, T1 = at(2026, 3, 1), at(2026, 3, 2)
STORM = Path(__file__).with_name("storm.py")


def test_40000_identical_placeholder_persons_link_under_2_gb(tmp_path):
    """The storm that grew an import to 13 GB: now linked in bounded memory."""
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}  # glibc reserves 64 MB a thread otherwise
    out = subprocess.run([sys.executable, str(STORM), str(tmp_path), "40000", str(2 * 1024**3)],
                         capture_output=True, text=True, env=env, timeout=900, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["error"] == "" and result["waiting"] == 0
    assert result["records"] == 40_002
    # Placeholders are nobody in particular: no two linked, none queued for review;
    # the real person among them still links.
    assert result["persons"] == 40_001 and result["ada_persons"] == 1
    assert result["review_pairs"] == 0


@pytest.mark.parametrize("field, value, placeholder", [
    ("forename", "unknown", True), ("surname", "nk", True), ("surname", "unknowns", False),
    ("forename", "xx", True), ("forename", "max", False),
    ("date_of_birth", "1900-01-01", True), ("date_of_birth", "1900-01-02", False),
    ("phone", "07777777777", True), ("phone", "00000000000", True),
    ("phone", "07700900123", False), ("postcode", "ZZ999ZZ", True), ("postcode", "B152TT", False),
    ("address", "no fixed abode", True), ("address", "1 no fixed abode lane", False),
])
def test_placeholder_values(field, value, placeholder):
    assert placeholders.is_placeholder_key(field, value) is placeholder


def test_placeholders_are_missing_in_the_linkage_table():
    df = frame.build([{"id": 1, "forename": "N/K", "surname": "UNKNOWN",
                       "date_of_birth": date(1900, 1, 1), "sex": "M", "postcode": "NFA",
                       "address": "No Fixed Abode", "phone": "0000 000 0000"},
                      {"id": 2, "forename": "Jane", "surname": "Smith",
                       "date_of_birth": date(1990, 3, 4), "sex": "F", "postcode": "B15 2TT",
                       "address": "12 High St", "phone": "07700 900123"}])
    unknown, jane = df.iloc[0], df.iloc[1]
    for col in ("forename", "surname", "forename_sound", "surname_sound", "dob", "postcode",
                "postcode_outward", "address", "phone", "bk_name", "bk_dob", "bk_phone"):
        assert unknown[col] is None, col
        assert jane[col] is not None, col


def test_a_forces_own_placeholder_list_is_policy(tmp_path):
    from vigil.core.policy import load

    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"link_placeholder_names": ["persona desconocida", "zzzz"]}))
    marks = placeholders.for_policy(load(path))
    assert "zzzz" in marks.names and "unknown" not in marks.names


def test_a_key_over_the_cap_makes_no_pairs_and_is_counted():
    df = pd.DataFrame({c: [None] * 5 for c in frame.COLUMNS})
    df["unique_id"] = range(5)
    df["phone"] = ["07700900123"] * 4 + ["07700900999"]
    df["surname"] = ["smith", "smith", "jones", "jones", "brown"]
    df["forename"] = ["ann"] * 5
    capped = blocking.add_keys(df, max_records=3)
    assert df["bk_phone"].tolist() == [None] * 4 + ["07700900999"]
    assert df["bk_name"].tolist() == ["smith|ann", "smith|ann", "jones|ann", "jones|ann",
                                      "brown|ann"]
    assert (capped.keys, capped.records) == (1, 4)
    # Largest block: n(n-1)/2 pairs with n at most the cap.
    assert max(df[c].value_counts().max() for c in blocking.KEYS if df[c].notna().any()) <= 3


def test_swapped_name_keys_pair_up_and_are_capped_together():
    df = pd.DataFrame({c: [None] * 4 for c in frame.COLUMNS})
    df["unique_id"] = range(4)
    df["surname"] = ["khan", "amir", "khan", "amir"]
    df["forename"] = ["amir", "khan", "amir", "khan"]
    blocking.add_keys(df, max_records=10)
    assert df.loc[0, "bk_name"] == df.loc[1, "bk_name_rev"]
    blocking.add_keys(df, max_records=3)  # "khan|amir" appears 4 times across both keys
    assert df["bk_name"].isna().all() and df["bk_name_rev"].isna().all()


def _fail(*_args, **_kw):
    raise MemoryError("DuckDB could not allocate 2.1 GiB")


def test_failed_linkage_after_import_is_queued_reported_and_retried(db, monkeypatch, capsys,
                                                                   settings, tmp_path):
    settings.DATA_DIR = tmp_path
    from vigil.people.cli import cmd_link
    from vigil.people.linkage import incremental

    first = record(system="CONNECT")
    twin = record(system="CONTROL", forename="Jayne")
    monkeypatch.setattr(incremental, "link_new", _fail)
    with pytest.raises(pending.LinkageDeferred, match="queued .*vigil link"):
        receivers.on_records_imported(None, person_ids=[first.person_id, twin.person_id],
                                      as_of=T0)
    entry = PendingLinkage.objects.get()
    assert entry.record_ids == sorted([first.pk, twin.pk]) and "MemoryError" in entry.error
    assert pending.waiting().records == 2
    # Nothing half-done: both are still persons of their own.
    assert SourceRecord.objects.get(pk=first.pk).person_id != SourceRecord.objects.get(
        pk=twin.pk).person_id

    # The next import fails too: the entry counts the attempt, the new record queues.
    third = record(system="MARAC")
    with pytest.raises(pending.LinkageDeferred):
        receivers.on_records_imported(None, person_ids=[third.person_id], as_of=T1)
    entry.refresh_from_db()
    assert entry.attempts == 2 and pending.waiting().entries == 2

    # `vigil link` says what waits, links it all and settles the queue.
    monkeypatch.undo()

    class Args:
        train, as_of, threads, memory_limit = False, "2026-03-03T09:00", 1, None
        engine = "duckdb"

    assert cmd_link(Args()) == 0
    out = capsys.readouterr().out
    assert "3 records of 2 import(s) waiting to be linked" in out
    assert "Waiting linkage: no linkage waiting" in out and "Review queue:" in out
    assert pending.waiting().entries == 0
    persons = set(SourceRecord.objects.values_list("person_id", flat=True))
    assert len(persons) == 1


def test_arrival_retries_the_queue_first(db, monkeypatch):
    from vigil.people.linkage import incremental

    first = record(system="CONNECT")
    monkeypatch.setattr(incremental, "link_new", _fail)
    with pytest.raises(pending.LinkageDeferred):
        receivers.on_records_imported(None, person_ids=[first.person_id], as_of=T0)
    monkeypatch.undo()
    twin = record(system="CONTROL")
    receivers.on_records_imported(None, person_ids=[twin.person_id], as_of=T1)
    assert pending.waiting().entries == 0
    assert SourceRecord.objects.get(pk=first.pk).person_id == SourceRecord.objects.get(
        pk=twin.pk).person_id


def test_placeholder_arrivals_do_not_block_on_placeholders(db):
    from vigil.people.linkage import incremental, keys
    from vigil.people.models import LinkKey

    a = record(forename="Unknown", surname="Unknown", date_of_birth=date(1900, 1, 1),
               phone="", address="", postcode="")
    b = record(forename="Unknown", surname="Unknown", date_of_birth=date(1900, 1, 1),
               phone="", address="", postcode="")
    keys.refresh([a.pk, b.pk])
    q = incremental.candidate_query(LinkKey.objects.get(record_id=b.pk))
    assert not LinkKey.objects.filter(q).exists()


def test_policy_defaults_are_sane():
    p = Policy()
    assert p.link_block_max_records >= 500 and 0 < p.link_retrain_change < 1
