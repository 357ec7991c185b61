"""The snapshot: pseudonymised, partitioned by month, and rewritten only where changed."""

import duckdb
import pyarrow.parquet as pq
import pytest

from tests import factories
from tests.factories import at
from vigil.analytics.snapshot import load_secret, person_key, table_glob, take_snapshot

pytestmark = pytest.mark.django_db


def rows(data_dir, table, columns="*"):
    con = duckdb.connect()
    out = con.execute(f"SELECT {columns} FROM read_parquet('{table_glob(data_dir, table)}', "
                      "union_by_name=true) ORDER BY id").fetchall()
    con.close()
    return out


def partitions(data_dir, table):
    return sorted(p.parent.name for p in (data_dir / "snapshot" / table).glob("*/data.parquet"))


def test_months_follow_london_time_and_people_are_keyed_hashes(tmp_path, areas):
    jane = factories.make_person("Smith", "Jane", phone="07700900123", address="1 High St")
    same_jane = factories.make_person("Smith", "Janet", person=jane.person)
    suspect = factories.make_person("Jones", "Mark")
    # 23:30 BST on 30 June is 22:30 UTC: a June crime, whatever the server's clock.
    factories.make_crime(areas["BHM"], at(2025, 6, 30, 23, 30), victim=jane, suspect=suspect)
    factories.make_crime(areas["COV"], at(2025, 7, 1, 0, 30), victim=same_jane)
    take_snapshot(tmp_path)

    assert partitions(tmp_path, "crimes") == ["part=2025-06", "part=2025-07"]
    times = [r[1] for r in rows(tmp_path, "crimes", "id, recorded_at")]
    assert [t.strftime("%Y-%m-%d %H:%M") for t in times] == ["2025-06-30 23:30",
                                                             "2025-07-01 00:30"]
    parties = rows(tmp_path, "crime_parties", "id, role, person_key")
    victims = [key for _, role, key in parties if role == "victim"]
    # Two source records of one person share a key; the key is not the id.
    secret = load_secret(tmp_path)
    assert victims == [person_key(secret, jane.person_id, None)] * 2
    assert len(victims[0]) == 20 and victims[0] != str(jane.person_id)
    # No names, phones, addresses or narratives anywhere in the snapshot.
    blob = b"".join(p.read_bytes() for p in (tmp_path / "snapshot").rglob("*.parquet"))
    for secret_text in (b"Smith", b"Jane", b"07700900123", b"High St", b"Jones"):
        assert secret_text not in blob
    schema_names = {n for p in (tmp_path / "snapshot").rglob("*.parquet")
                    for n in pq.read_schema(p).names}
    assert not schema_names & {"forename", "surname", "date_of_birth", "phone", "address",
                               "narrative", "postcode", "location"}


def test_a_different_secret_gives_different_keys():
    assert person_key(b"a" * 32, 7, None) != person_key(b"b" * 32, 7, None)
    assert person_key(b"a" * 32, None, 7) != person_key(b"a" * 32, 7, None)


def test_incremental_run_rewrites_only_the_changed_months(tmp_path, areas):
    old = [factories.make_crime(areas["BHM"], at(2025, m, 10)) for m in (1, 2, 3)]
    first = {r.name: r for r in take_snapshot(tmp_path)}
    assert first["crimes"].full and first["crimes"].partitions_written == 3
    jan = tmp_path / "snapshot" / "crimes" / "part=2025-01" / "data.parquet"
    jan_mtime = jan.stat().st_mtime_ns

    # A day's new records: one new March crime, and February's crime moved to April.
    factories.make_crime(areas["COV"], at(2025, 3, 20))
    old[1].recorded_at = at(2025, 4, 2)
    old[1].save()
    second = {r.name: r for r in take_snapshot(tmp_path)}
    assert not second["crimes"].full
    assert second["crimes"].rows_exported == 2
    # March (new row), April (moved in) and February (moved out, now empty).
    assert second["crimes"].partitions_written == 2
    assert partitions(tmp_path, "crimes") == ["part=2025-01", "part=2025-03", "part=2025-04"]
    assert jan.stat().st_mtime_ns == jan_mtime
    assert len(rows(tmp_path, "crimes")) == 4

    third = {r.name: r for r in take_snapshot(tmp_path)}
    assert third["crimes"].rows_exported == 0 and third["crimes"].partitions_written == 0


def test_a_deletion_rewrites_the_table(tmp_path, areas):
    crimes = [factories.make_crime(areas["BHM"], at(2025, 1, d)) for d in (5, 6)]
    take_snapshot(tmp_path)
    crimes[0].delete()
    result = {r.name: r for r in take_snapshot(tmp_path)}
    assert result["crimes"].full
    assert [r[0] for r in rows(tmp_path, "crimes", "id")] == [crimes[1].id]


def test_empty_tables_still_have_typed_columns(tmp_path, areas):
    take_snapshot(tmp_path)
    con = duckdb.connect()
    cols = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{table_glob(tmp_path, 'orders')}')"
                       ).fetchall()
    con.close()
    types = {name: typ for name, typ, *_ in cols}
    assert types["served_at"] == "TIMESTAMP" and types["ends_on"] == "DATE"
    assert types["subject_key"] == "VARCHAR"


def test_a_table_that_stays_empty_stays_readable(tmp_path, areas):
    take_snapshot(tmp_path)
    take_snapshot(tmp_path)
    assert partitions(tmp_path, "arrests") == ["part=empty"]
    factories.make_crime(areas["BHM"], at(2025, 1, 5))
    take_snapshot(tmp_path)
    assert partitions(tmp_path, "crimes") == ["part=2025-01"]


def test_an_upgrade_that_adds_a_column_rewrites_the_table_once(tmp_path, areas):
    """A snapshot an older Vigil wrote lacks a column a newer one exports (as orders
    gained made_on): every row is written again, not only the changed ones, so no old
    row reads the new column as not known."""
    import json

    from vigil.analytics.snapshot import MANIFEST, snapshot_dir

    factories.make_crime(areas["BHM"], at(2025, 1, 10))
    factories.make_crime(areas["BHM"], at(2025, 2, 10))
    take_snapshot(tmp_path)
    manifest_path = snapshot_dir(tmp_path).resolve() / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["crimes"]["columns"].remove("recorded_at")  # as the older version
    manifest_path.write_text(json.dumps(manifest))

    again = {r.name: r for r in take_snapshot(tmp_path)}
    assert again["crimes"].full and again["crimes"].partitions_written == 2
    after = {r.name: r for r in take_snapshot(tmp_path)}
    assert not after["crimes"].full and after["crimes"].partitions_written == 0


def test_a_snapshot_from_before_an_upgrade_still_reads(tmp_path, areas):
    """The dashboard read a snapshot an older Vigil wrote (no marac_transfers table, no
    orders.made_on) and failed with a 500 until the next `vigil snapshot`. Now the
    missing table and column read as empty."""
    import shutil
    from datetime import date

    import pyarrow.parquet as pq

    from vigil.analytics import catalogue, engine
    from vigil.analytics.pack import run_pack
    from vigil.analytics.snapshot import snapshot_dir
    from vigil.core.policy import current

    factories.make_crime(areas["BHM"], at(2025, 1, 10))
    take_snapshot(tmp_path)
    root = snapshot_dir(tmp_path).resolve()
    shutil.rmtree(root / "marac_transfers")
    for path in (root / "orders").glob("part=*/data.parquet"):
        table = pq.read_table(path)
        pq.write_table(table.drop_columns(["made_on"]), path)

    window = engine.Window(date(2025, 1, 1), date(2025, 1, 31))
    con = engine.connect(tmp_path, window, current())
    assert "made_on" in [c[0] for c in con.execute("DESCRIBE orders").fetchall()]
    assert con.execute("SELECT COUNT(*) FROM marac_transfers").fetchone() == (0,)
    pack = run_pack(con, window, kpis=[catalogue.get("dvpo_granted"),
                                       catalogue.get("marac_backlog")])
    assert pack.period("dvpo_granted", window.first_month, window.first_month)["num"] == 0
