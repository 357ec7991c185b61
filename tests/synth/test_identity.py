"""Identity noise: the same person in several systems, with realistic differences."""

import pandas as pd
import pytest

from vigil.synth.draw import Draw
from vigil.synth.generate import Options, generate
from vigil.synth.identity import nicknames_of, typo
from vigil.synth.writer import TRUTH_DIR, TRUTH_FILE


def test_nicknames_come_from_the_nicknames_package():
    assert "Liz" in nicknames_of("Elizabeth")
    assert nicknames_of("Elizabeth") == tuple(sorted(nicknames_of("Elizabeth")))


@pytest.mark.parametrize("word", ["Smith", "Johnson", "Ali"])
def test_typo_is_one_small_edit(word):
    from rapidfuzz.distance import DamerauLevenshtein

    d = Draw(1, 9)
    for _ in range(50):
        assert DamerauLevenshtein.distance(word, typo(d, word)) <= 1


def _records(folder):
    persons = pd.read_csv(folder / "persons.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(folder / TRUTH_DIR / TRUTH_FILE, dtype=str)
    return persons.merge(truth, on=["source_system", "source_id"])


def test_people_appear_in_several_systems_with_differences(force_dir):
    df = _records(force_dir)
    systems = df.groupby("true_person_id").source_system.nunique()
    assert (systems == 3).sum() > 100  # victims known to CONTROL, CONNECT and MARAC
    multi = df[df.true_person_id.isin(systems[systems >= 2].index)].replace("", None)
    by_person = multi.assign(surname=multi.surname.str.upper()).groupby("true_person_id")
    surnames = by_person.surname.nunique()
    postcodes = by_person.postcode.nunique()
    dobs = by_person.date_of_birth.nunique()
    forenames = by_person.forename.nunique()
    assert (surnames > 1).mean() > 0.02  # typos, swapped names, married names
    assert (postcodes > 1).mean() > 0.01  # moved
    assert (dobs > 1).sum() > 0  # day and month swapped
    assert (forenames > 1).mean() > 0.05  # nicknames, typos
    assert (df.date_of_birth == "").mean() > 0.05
    swapped = multi.merge(multi, on="true_person_id")
    assert ((swapped.forename_x == swapped.surname_y)
            & (swapped.surname_x == swapped.forename_y)).any()


def test_high_noise_makes_records_disagree_more(tmp_path):
    shares = {}
    for level in ("low", "high"):
        out = tmp_path / level
        generate(Options(out_dir=out, years=1, scale=0.01, seed=4, noise=level))
        df = _records(out)
        per_person = df.groupby("true_person_id").size().mean()
        missing_dob = (df.date_of_birth == "").mean()
        shares[level] = (per_person, missing_dob)
    assert shares["high"][0] > shares["low"][0]
    assert shares["high"][1] > shares["low"][1] + 0.05
