"""A region on DuckDB and on Spark: the KPI pack and linkage at 1, 3 and 7 forces.

The region is built from one synthetic force, so the figures measure the engines, not
the generator:
- KPI pack: one force is generated, imported and snapshotted; the region's snapshot
  is that snapshot repeated once per force with every id offset, every pseudonymised
  person key and area code made the force's own (N independent forces of the same
  shape). Every KPI then runs over it on DuckDB (`engine.connect`) and on Spark local
  mode (`spark_engine.connect`), and the two packs are checked equal.
- Linkage: the noisy person set of `vigil.people.linkage.testdata` per force, with a
  share of each force's people also recorded by the next force (people who move
  between forces), linked as one index by `pipeline.link` on DuckDB and on Splink's
  Spark backend with the shipped model; pairs and persons are checked equal, and
  precision and recall are given against the known truth.

    .venv/bin/python benchmarks/region_speed.py --scale 0.01 --people 2000 --forces 1 3 7

Spark local mode uses the cores given by --threads (default 2). Report the machine's
load beside the figures (`uptime`).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def _setup(data_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    os.environ["VIGIL_DATA_DIR"] = str(data_dir)
    os.environ.pop("VIGIL_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def one_force_snapshot(work: Path, scale: float, years: int, end: date) -> Path:
    from vigil.analytics.snapshot import take_snapshot
    from vigil.ingest.importer import import_dir
    from vigil.synth.generate import Options, generate

    generate(Options(out_dir=work / "gen", years=years, scale=scale, seed=2026, end=end))
    import_dir(work / "gen", actor="benchmark", progress=False)
    take_snapshot(work)
    return work


def region_snapshot(source: Path, target: Path, forces: int) -> None:
    """The snapshot repeated per force, ids offset and keys made the force's own."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from vigil.analytics.snapshot import MANIFEST, TABLES, snapshot_dir, table_glob

    src, dst = snapshot_dir(source), snapshot_dir(target)
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    shutil.copy(src / MANIFEST, dst / MANIFEST)
    for spec in TABLES:
        files = sorted(Path(p) for p in __import__("glob").glob(table_glob(source, spec.name)))
        for f in files:
            table = pq.read_table(f)
            copies = []
            for k in range(forces):
                cols = {}
                for name in table.column_names:
                    col = table[name]
                    if (name == "id" or name.endswith("_id")) and pa.types.is_integer(col.type):
                        col = pc.add(col, pa.scalar(k * 1_000_000_000, col.type))
                    elif pa.types.is_string(col.type) and (
                            name in spec.persons.values() or name == "code"
                            or name.endswith("_ref") or name == "ref"):
                        col = pc.binary_join_element_wise(col, pa.scalar(f"~F{k}"), "")
                    cols[name] = col
                copies.append(pa.table(cols))
            out = dst / f.relative_to(src)
            out.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.concat_tables(copies), out)


def time_pack(data_dir: Path, threads: int, spark) -> dict:
    import pandas as pd

    from vigil.analytics import asof, engine, pack, spark_engine
    from vigil.core.policy import current

    a = asof.resolve(data_dir, None)
    window = engine.Window(a.records_from.replace(day=1), a.as_of)
    out = {}
    for name in ("duckdb", "spark"):
        started = time.monotonic()
        con = (spark_engine.connect(data_dir, window, current(), spark=spark) if name == "spark"
               else engine.connect(data_dir, window, current(), threads=threads))
        result = pack.run_pack(con, window)
        con.close()
        out[name] = (time.monotonic() - started, result.frame)
    keys = ["kpi", "month", "lpa_id"]
    a_, b_ = (out[n][1].sort_values(keys).reset_index(drop=True)[keys + ["num", "den"]]
              for n in ("duckdb", "spark"))
    pd.testing.assert_frame_equal(a_, b_, check_exact=False, rtol=1e-9)
    return {"duckdb_s": out["duckdb"][0], "spark_s": out["spark"][0], "rows": len(a_)}


def region_people(people: int, forces: int, move_share: float, seed: int):
    """Per force the noisy test set; a share of each force's people recorded again by
    the next force (fresh noise), with the truth."""
    from vigil.people.linkage import testdata

    rng = random.Random(seed)
    records, truth = [], {}
    next_id = 1
    for k in range(forces):
        recs, tr = testdata.generate(people, "high", seed=seed + k)
        for r in recs:
            rid = next_id
            next_id += 1
            records.append({**r, "id": rid})
            truth[rid] = f"F{k}-{tr[r['id']]}"
        if k + 1 < forces:
            movers = rng.sample(recs, int(len(recs) * move_share))
            for r in movers:
                rid = next_id
                next_id += 1
                moved = {**r, "id": rid, "postcode": "", "address": "",
                         "phone": r["phone"] if rng.random() < 0.5 else ""}
                records.append(moved)
                truth[rid] = f"F{k}-{tr[r['id']]}"
    return records, truth


def time_link(people: int, forces: int, spark) -> dict:
    from vigil.core.policy import current
    from vigil.people.linkage import frame, model, pipeline
    from vigil.people.linkage import spark as linkage_spark

    records, truth = region_people(people, forces, 0.05, seed=7)
    df = frame.build([{k: r.get(k) for k in frame.SOURCE_FIELDS} for r in records])
    trained = model.load_file(model.DEFAULT_MODEL)
    pol = current()
    kw = dict(link_probability=pol.link_match_probability,
              review_probability=pol.link_review_probability)
    started = time.monotonic()
    duck = pipeline.link(df, trained, **kw)
    duck_s = time.monotonic() - started
    started = time.monotonic()
    with linkage_spark.use(spark):
        on_spark = pipeline.link(df, trained, **kw)
    spark_s = time.monotonic() - started
    same = duck.clusters == on_spark.clusters or _groups(duck.clusters) == _groups(
        on_spark.clusters)
    p, r = _pairwise(duck.clusters, truth)
    return {"records": len(df), "duckdb_s": duck_s, "spark_s": spark_s, "same": same,
            "precision": p, "recall": r}


def _groups(clusters):
    out = {}
    for rec, c in clusters.items():
        out.setdefault(c, set()).add(rec)
    return {frozenset(s) for s in out.values()}


def _pairs(groups):
    from itertools import combinations

    return {tuple(sorted(p)) for g in groups for p in combinations(sorted(g), 2)}


def _pairwise(clusters, truth):
    found = _pairs(_groups(clusters))
    by_truth = {}
    for rec, t in truth.items():
        by_truth.setdefault(t, set()).add(rec)
    true = _pairs(by_truth.values())
    tp = len(found & true)
    return tp / max(len(found), 1), tp / max(len(true), 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.01, help="scale of each force (0.01)")
    ap.add_argument("--years", type=int, default=1)
    ap.add_argument("--people", type=int, default=2000, help="people per force for linkage")
    ap.add_argument("--forces", type=int, nargs="+", default=[1, 3, 7])
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="vigil-region-"))
    try:
        _setup(work / "one")
        from vigil.core.spark import session

        print(f"load average at start: {os.getloadavg()}", flush=True)
        one_force_snapshot(work / "one", args.scale, args.years, date(2025, 12, 31))
        spark = session(args.threads)
        print("forces | KPI pack rows | DuckDB s | Spark s || linkage records | DuckDB s | "
              "Spark s | same persons | P | R")
        for n in args.forces:
            region_snapshot(work / "one", work / f"region{n}", n)
            kp = time_pack(work / f"region{n}", args.threads, spark)
            lk = time_link(args.people, n, spark)
            print(f"{n} | {kp['rows']:,} | {kp['duckdb_s']:.1f} | {kp['spark_s']:.1f} || "
                  f"{lk['records']:,} | {lk['duckdb_s']:.1f} | {lk['spark_s']:.1f} | "
                  f"{lk['same']} | {lk['precision']:.4f} | {lk['recall']:.4f}", flush=True)
        print(f"load average at end: {os.getloadavg()}")
        spark.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
