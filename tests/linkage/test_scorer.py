"""The fast on-arrival scorer gives exactly Splink's own scores."""

from datetime import date

import pandas as pd
import pytest

from vigil.people.linkage import frame, incremental, model, testdata


def test_fast_scorer_matches_splink_score_pairs():
    trained = model.load_file(model.DEFAULT_MODEL)
    records, _truth = testdata.generate(40, "high", seed=5)
    df = frame.build(records)
    left, right = df.iloc[:3], df.iloc[3:]
    fast = incremental.Scorer(trained).score(left, right)
    linker = model.new_linker(df.iloc[:0], trained.settings)
    splink = linker.inference.score_pairs(left.to_dict("records"),
                                          right.to_dict("records")).as_pandas_dataframe()
    merged = fast.merge(splink, left_on=["unique_id_l", "candidate"],
                        right_on=["unique_id_l", "unique_id_r"], suffixes=("", "_splink"))
    assert len(merged) == len(left) * len(right)
    pd.testing.assert_series_equal(merged["match_weight"], merged["match_weight_splink"],
                                   check_names=False, atol=1e-9)


def test_scores_are_probabilities_ordered_by_evidence():
    trained = model.load_file(model.DEFAULT_MODEL)
    base = {"id": 1, "forename": "Jane", "surname": "Smith", "date_of_birth": date(1990, 3, 4),
            "sex": "F", "postcode": "B15 2TT", "address": "12 High Street", "phone": ""}
    same = {**base, "id": 2}
    weaker = {**base, "id": 3, "date_of_birth": None, "postcode": "", "address": ""}
    other = {**base, "id": 4, "forename": "Priya", "surname": "Patel",
             "date_of_birth": date(1960, 1, 1), "postcode": "CV1 1AA", "address": "1 A Road"}
    scores = incremental.score_against(base, [same, weaker, other], trained).set_index(
        "candidate")["match_probability"]
    assert scores[2] > scores[3] > scores[4]
    assert scores[2] == pytest.approx(1.0, abs=1e-6) and scores[4] < 0.01
