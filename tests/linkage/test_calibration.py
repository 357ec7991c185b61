"""Self-calibration (issue 17): the model is retrained as the data grows, each
version keeps its training figures, and `vigil link` says when the model in use
was trained on data of a very different size."""

import pytest

from tests.factories import at
from vigil.core.policy import Policy
from vigil.people.cli import cmd_link
from vigil.people.linkage import calibration, testdata
from vigil.people.linkage.batch import link_all
from vigil.people.models import LinkModelVersion, Person, SourceRecord

POLICY = Policy(link_retrain_change=0.25, link_retrain_min_records=1000)


@pytest.mark.parametrize("records, model_records, retrain, warns", [
    (999, 10_000, False, True),  # too few to train on, but far from the model's size
    (1_000, 1_000, False, False),
    (1_250, 1_000, False, False),  # moved exactly 25%: not more than
    (1_251, 1_000, True, False),
    (749, 1_000, False, False),  # below the minimum
    (20_000, 10_001, True, False),  # 2.0x minus a hair
    (20_002, 10_001, True, True),  # 2.0x: warn
    (271_160, 48_164, True, True),
])
def test_when_to_retrain_and_warn(records, model_records, retrain, warns):
    check = calibration.assess(records, model_records, POLICY, version="m1")
    assert check.retrain is retrain
    assert bool(check.warning) is warns
    if warns:
        assert f"{model_records:,} records" in check.warning
        assert "vigil link --train" in check.warning


def _load(n_people, seed):
    records, _truth = testdata.generate(n_people, "low", seed=seed)
    for r in records:
        SourceRecord.objects.create(
            source_system=r["source_system"], source_id=f"{seed}-{r['id']}",
            person=Person.objects.create(),
            **{k: r[k] or "" for k in ("forename", "surname", "sex", "postcode", "address",
                                       "phone")}, date_of_birth=r["date_of_birth"])
    return len(records)


class Args:
    train, as_of, threads, memory_limit = None, "2026-03-01T09:00", 1, None
    engine = "duckdb"


def test_link_retrains_as_the_data_grows_and_records_its_figures(db, settings, tmp_path,
                                                                capsys):
    settings.DATA_DIR = tmp_path
    n = _load(700, seed=1)
    assert n >= 1000
    first = link_all(as_of=at(2026, 3, 1))
    assert first.trained  # the shipped model was trained on 48,164 records
    version = LinkModelVersion.objects.get(version=first.model_version)
    assert version.record_count == n
    figures = version.detail
    assert figures["records"] == n and figures["pairs_blocked"] > 0
    assert 0 < figures["prior"] < 1 and figures["expected_matches"] > 0

    # Unchanged data: the model stays.
    assert not link_all(as_of=at(2026, 3, 2)).trained
    # A little more data (under 25%): still stays.
    _load(60, seed=2)
    assert not link_all(as_of=at(2026, 3, 3)).trained
    # Half as much again: retrained, a new version.
    _load(400, seed=3)
    grown = link_all(as_of=at(2026, 3, 4))
    assert grown.trained and grown.model_version != first.model_version
    assert LinkModelVersion.objects.count() == 2


def test_vigil_link_warns_when_the_model_was_trained_on_far_fewer_records(
        db, settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    _load(120, seed=4)
    args = Args()
    args.train = False  # --no-train: the shipped model (48,164 records) stays
    assert cmd_link(args) == 0
    out = capsys.readouterr().out
    assert "Warning: the linkage model" in out and "trained on 48,164 records" in out
    assert "Review queue:" in out


def test_training_sample_is_uniform_deterministic_and_in_order():
    import pandas as pd

    df = pd.DataFrame({"unique_id": range(1000), "x": range(1000)})
    assert calibration.training_sample(df, 1000) is df  # small enough: all of it
    one = calibration.training_sample(df, 200)
    assert len(one) == 200 and one["x"].is_monotonic_increasing
    assert one.equals(calibration.training_sample(df, 200))  # the same rows every time
    # Uniform: every tenth of the table gives about a tenth of the sample.
    per_tenth = (one["x"] // 100).value_counts()
    assert per_tenth.min() >= 8 and per_tenth.max() <= 35


def test_a_model_trained_on_a_sample_keeps_the_prior(db, settings, tmp_path):
    """The prior is matches per possible pair; a uniform sample keeps each pair with
    the same chance, match or not, so the sample's prior estimates the whole's."""
    from vigil.people.linkage import frame
    from vigil.people.linkage.batch import train_and_save

    settings.DATA_DIR = tmp_path
    records, _truth = testdata.generate(1200, "low", seed=8)
    df = frame.build(records)
    full = train_and_save(df, data_dir=tmp_path, as_of=at(2026, 3, 1), threads=1,
                          max_records=len(df))
    half = train_and_save(df, data_dir=tmp_path, as_of=at(2026, 3, 2), threads=1,
                          max_records=len(df) // 2)
    version = LinkModelVersion.objects.get(version=half.version)
    assert version.record_count == len(df)  # calibrated for the whole table
    assert version.detail["records"] == len(df) // 2
    assert version.detail["sampled_from"] == len(df)
    p_full = full.settings["probability_two_random_records_match"]
    p_half = half.settings["probability_two_random_records_match"]
    assert 0.75 < p_half / p_full < 1.33
