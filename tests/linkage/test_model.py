"""Training: the prior it estimates, and the link-only/identifier variant the FEBRL run uses."""

import json

import pandas as pd
import pytest

from vigil.people.linkage import frame, model, predict, settings, testdata


def _true_pair_rate(truth: dict) -> float:
    sizes = pd.Series(truth).value_counts()
    n = len(truth)
    return float((sizes * (sizes - 1) / 2).sum()) / (n * (n - 1) / 2)


def test_prior_is_close_to_the_true_match_rate():
    records, truth = testdata.generate(800, "high", seed=3)
    trained = model.train(frame.build(records))
    # The deterministic-rule estimate alone is about half the truth at noise "high".
    assert abs(trained["probability_two_random_records_match"] / _true_pair_rate(truth) - 1) < 0.3


def test_shipped_model_is_the_production_variant():
    shipped = json.loads(model.DEFAULT_MODEL.read_text())
    assert shipped["link_type"] == "dedupe_only"
    assert [c["output_column_name"] for c in shipped["comparisons"]] == [
        "forename", "surname", "dob", "sex", "contact"]


def test_link_only_variant_links_across_files_only():
    records, truth = testdata.generate(400, "low", seed=4)
    first, rest, seen = [], [], set()  # each person's first record, and the others
    for r in records:
        (rest if truth[r["id"]] in seen else first).append(r)
        seen.add(truth[r["id"]])
    tables = []
    for part in (first, rest):
        df = frame.build(part)
        df["identifier"] = [f"ID{truth[r['id']]}" for r in part]
        tables.append(df)
    trained = model.TrainedModel("t", model.train(tables, link_type="link_only",
                                                  identifier=True))
    assert "identifier" in predict.comparison_names(trained)
    pairs = predict.predict_pairs(tables, trained, min_probability=0.5)
    in_first = set(tables[0]["unique_id"])
    assert len(pairs) > 0
    assert all((a in in_first) != (b in in_first)
               for a, b in zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True))


def test_identifier_blocking_only_in_the_variant():
    assert len(settings.blocking_rules(identifier=True)) == len(settings.blocking_rules()) + 1
    assert "l.identifier = r.identifier" in settings.deterministic_rules(identifier=True)
    assert not any("identifier" in r for r in settings.deterministic_rules())


def test_swapped_names_weigh_as_much_as_names_in_order():
    from datetime import date

    from vigil.people.linkage import incremental

    trained = model.load_file(model.DEFAULT_MODEL)
    base = {"id": 1, "forename": "Kirsty", "surname": "Nicholson", "sex": "F",
            "date_of_birth": date(1994, 9, 12), "postcode": "", "address": "", "phone": ""}
    in_order = {**base, "id": 2}
    swapped = {**base, "id": 3, "forename": "Nicholson", "surname": "Kirsty"}
    other = {**base, "id": 4, "forename": "Priya", "surname": "Patel"}
    w = incremental.score_against(base, [in_order, swapped, other], trained).set_index(
        "candidate")["match_weight"]
    assert w[3] == pytest.approx(w[2])
    assert w[3] > w[4] + 20


def test_levels_no_training_pair_reached_are_kept_with_the_figures_not_printed(caplog):
    # A small, clean force: some comparison levels (a one-letter slip, a phone typo)
    # meet no pair, and Splink warned of each on the terminal.
    records, _ = testdata.generate(120, "low", seed=5)
    figures: dict = {}
    with caplog.at_level("WARNING"):
        model.train(frame.build(records), figures=figures)
    assert not [r for r in caplog.records if "not observed" in r.getMessage()]
    unseen = figures["levels_not_observed"]
    assert unseen and unseen == sorted(set(unseen))
    compared = {"forename", "surname", "dob", "sex", "contact"}
    assert all(x.split(": ")[0] in compared and x.endswith(("(m)", "(u)")) for x in unseen)
