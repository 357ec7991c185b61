"""A region on DuckDB and on Spark: the KPI pack and linkage at 1, 3 and 7 forces.

The region is `vigil generate --forces N` (forces 1..N of one generated region: each
force has its own seed, and a share of each force's people turn up in the next
force's records with that force's noise):
- KPI pack: each force's folder is loaded with `vigil import` into a Vigil of its own
  and snapshotted (`vigil snapshot`); the region's snapshot is the forces' snapshots
  together, every id offset and every pseudonymised person key and area code made the
  force's own. Every KPI then runs over it on DuckDB (`engine.connect`) and on Spark
  local mode (`spark_engine.connect`), and the two packs are checked equal.
- Linkage: every force's person records as one index (ids unique across the region),
  linked by `pipeline.link` on DuckDB and on Splink's Spark backend with the shipped
  model; persons are checked equal, and precision and recall are given against the
  generator's truth, with how many cross-force people were joined.

    .venv/bin/python benchmarks/region_speed.py --scale 0.003 --forces 1 3 7

Spark local mode uses the cores given by --threads (default 2). The machine's load is
printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
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


def force_snapshots(work: Path, scale: float, years: int, end: date, forces: int) -> list[Path]:
    """Generate the region, then per force `vigil import` and `vigil snapshot` into a data
    dir of its own; returns the data dirs (force1..forceN)."""
    import subprocess

    from vigil.synth.generate import Options, generate

    t0 = time.monotonic()
    generate(Options(out_dir=work / "gen", years=years, scale=scale, seed=2026, end=end,
                     forces=forces))
    print(f"generated {forces} forces in {time.monotonic() - t0:.1f} s", flush=True)
    vigil = str(Path(sys.executable).with_name("vigil"))
    env = {k: v for k, v in os.environ.items() if k != "VIGIL_DATABASE_URL"}
    dirs = []
    for k in range(1, forces + 1):
        data = work / f"data{k}"
        t0 = time.monotonic()
        for step in (["migrate"], ["import", str(work / "gen" / f"force{k}"), "--no-progress"],
                     ["snapshot"]):
            subprocess.run([vigil, "--data-dir", str(data), *step], check=True, env=env,
                           stdout=subprocess.DEVNULL)
        print(f"force{k}: imported and snapshotted in {time.monotonic() - t0:.1f} s",
              flush=True)
        dirs.append(data)
    return dirs


def region_snapshot(sources: list[Path], target: Path) -> None:
    """The forces' snapshots together, ids offset and keys made each force's own."""
    import glob

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from vigil.analytics.snapshot import MANIFEST, TABLES, snapshot_dir, table_glob

    dst = snapshot_dir(target)
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    shutil.copy(snapshot_dir(sources[0]) / MANIFEST, dst / MANIFEST)
    for spec in TABLES:
        copies: dict[Path, list] = {}
        for k, source in enumerate(sources):
            src = snapshot_dir(source)
            for f in sorted(Path(p) for p in glob.glob(table_glob(source, spec.name))):
                table = pq.read_table(f)
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
                copies.setdefault(f.relative_to(src), []).append(pa.table(cols))
        for rel, tables in copies.items():
            out = dst / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.concat_tables(tables, promote_options="default"), out)


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


def region_people(region: Path, forces: int):
    """Person records of force1..forceN as one index, with the generator's truth."""
    from vigil.synth.region import cross_force_people, person_records

    keep = {f"force{k}" for k in range(1, forces + 1)}
    records = [r for r in person_records(region) if r["force"] in keep]
    ids = iter(range(1, len(records) + 1))
    records = [{**r, "id": next(ids)} for r in records]
    return records, {r["id"]: r["truth"] for r in records}, cross_force_people(records)


def time_link(region: Path, forces: int, spark) -> dict:
    from vigil.core.policy import current
    from vigil.people.linkage import frame, model, pipeline
    from vigil.people.linkage import spark as linkage_spark

    records, truth, shared = region_people(region, forces)
    df = frame.build(records)
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
    force_of = {x["id"]: x["force"] for x in records}
    joined = sum(
        any(len({force_of[i] for i in g}) > 1 for g in _groups(
            {i: duck.clusters[i] for i in truth if truth[i] == t}))
        for t in shared)
    return {"records": len(df), "duckdb_s": duck_s, "spark_s": spark_s, "same": same,
            "precision": p, "recall": r, "shared": len(shared), "joined": joined}


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
    ap.add_argument("--scale", type=float, default=0.003, help="scale of each force (0.003)")
    ap.add_argument("--years", type=int, default=1)
    ap.add_argument("--forces", type=int, nargs="+", default=[1, 3, 7])
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="vigil-region-"))
    try:
        _setup(work / "django")
        from vigil.core.spark import session

        print(f"load average at start: {os.getloadavg()}", flush=True)
        data = force_snapshots(work, args.scale, args.years, date(2025, 12, 31),
                               max(args.forces))
        spark = session(args.threads)
        print("forces | KPI pack rows | DuckDB s | Spark s || linkage records | DuckDB s | "
              "Spark s | same persons | P | R | cross-force people joined")
        for n in args.forces:
            region_snapshot(data[:n], work / f"region{n}")
            kp = time_pack(work / f"region{n}", args.threads, spark)
            lk = time_link(work / "gen", n, spark)
            print(f"{n} | {kp['rows']:,} | {kp['duckdb_s']:.1f} | {kp['spark_s']:.1f} || "
                  f"{lk['records']:,} | {lk['duckdb_s']:.1f} | {lk['spark_s']:.1f} | "
                  f"{lk['same']} | {lk['precision']:.4f} | {lk['recall']:.4f} | "
                  f"{lk['joined']}/{lk['shared']}  (load {os.getloadavg()[0]:.1f})",
                  flush=True)
        print(f"load average at end: {os.getloadavg()}")
        spark.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
