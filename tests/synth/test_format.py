"""The output is the import format of vigil.ingest.spec, and nothing else."""

import csv
import filecmp
import re

import pandas as pd
import pytest

from vigil.ingest import spec
from vigil.synth.generate import Options, generate
from vigil.synth.writer import TRUTH_COLUMNS, TRUTH_DIR, TRUTH_FILE

ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
OUTCOME_CODES = {str(n) for n in range(1, 23)} | {"1A", "2A", "3A"}


def read(folder, fs):
    return pd.read_csv(folder / fs.filename, dtype=str, keep_default_na=False)


def test_every_file_has_the_spec_header(force_dir):
    for fs in spec.FILES:
        with open(force_dir / fs.filename, encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header == [c.name for c in fs.columns], fs.name


def test_only_spec_files_at_the_top_level(force_dir):
    top = {p.name for p in force_dir.iterdir() if p.is_file()}
    assert top == {fs.filename for fs in spec.FILES}
    assert (force_dir / TRUTH_DIR / TRUTH_FILE).is_file()


@pytest.mark.parametrize("fs", spec.FILES, ids=lambda fs: fs.name)
def test_values_follow_the_column_types(force_dir, fs):
    df = read(force_dir, fs)
    assert len(df) > 0, f"{fs.name} is empty"
    for col in fs.columns:
        values = df[col.name]
        filled = values[values != ""]
        if col.required:
            assert len(filled) == len(values), f"{fs.name}.{col.name} has empty cells"
        if col.type == "datetime":
            assert filled.str.match(ISO_DATETIME).all(), f"{fs.name}.{col.name}"
        elif col.type == "date":
            assert filled.str.match(ISO_DATE).all(), f"{fs.name}.{col.name}"
        elif col.type == "boolean":
            assert set(filled) <= {"true", "false"}, f"{fs.name}.{col.name}"
        elif col.type == "choice":
            assert set(filled) <= set(col.choices), f"{fs.name}.{col.name}"
        elif col.type == "integer":
            assert filled.str.fullmatch(r"\d+").all(), f"{fs.name}.{col.name}"
        elif col.type == "ref":
            assert filled.str.fullmatch(r"[A-Z]+:[A-Z0-9-]+").all(), f"{fs.name}.{col.name}"
        elif col.type == "text" and col.max_length:
            assert (filled.str.len() <= col.max_length).all(), f"{fs.name}.{col.name}"


def _keys(folder, name):
    df = read(folder, spec.BY_NAME[name])
    if spec.BY_NAME[name].source_keyed:
        return set(df.source_system + ":" + df.source_id)
    return set(df[spec.BY_NAME[name].natural_key[0]])


def test_every_reference_resolves(force_dir):
    targets = {fs.model_label: fs.name for fs in spec.FILES}
    keys = {fs.name: _keys(force_dir, fs.name) for fs in spec.FILES}
    for fs in spec.FILES:
        df = read(force_dir, fs)
        for col in fs.columns:
            if col.type not in ("ref", "code") or col.target == "incidents.OutcomeCode":
                continue
            used = set(df[col.name]) - {""}
            missing = used - keys[targets[col.target]]
            assert not missing, f"{fs.name}.{col.name}: {sorted(missing)[:3]}"


def test_outcome_codes_are_home_office_codes(force_dir):
    codes = set(read(force_dir, spec.BY_NAME["outcomes"]).code)
    local = read(force_dir, spec.BY_NAME["outcome_codes"])
    assert set(local.parent) <= OUTCOME_CODES  # each local sub-code breaks down a HO code
    assert codes <= OUTCOME_CODES | set(local.code)
    assert {"15", "16", "1", "16A"} <= codes


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, 5), (b, 5), (c, 6)):
        generate(Options(out_dir=out, years=1, scale=0.01, seed=seed))
    names = [fs.filename for fs in spec.FILES]
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert not mismatch and not errors
    assert filecmp.cmp(a / TRUTH_DIR / TRUTH_FILE, b / TRUTH_DIR / TRUTH_FILE, shallow=False)
    assert not filecmp.cmp(a / "incidents.csv", c / "incidents.csv", shallow=False)


def test_ground_truth_covers_every_person_record_and_stays_out(force_dir):
    persons = read(force_dir, spec.BY_NAME["persons"])
    truth = pd.read_csv(force_dir / TRUTH_DIR / TRUTH_FILE, dtype=str)
    assert list(truth.columns) == list(TRUTH_COLUMNS)
    refs = persons.source_system + ":" + persons.source_id
    truth_refs = truth.source_system + ":" + truth.source_id
    assert refs.is_unique and truth_refs.is_unique
    assert set(refs) == set(truth_refs)
    assert set(truth.source_system) == {"CONTROL", "CONNECT", "MARAC"}
    true_ids = set(truth.true_person_id)
    for fs in spec.FILES:
        df = read(force_dir, fs)
        assert "true_person_id" not in df.columns
        leaked = {v for col in df.columns for v in df[col].unique()} & true_ids
        assert not leaked, fs.name


def test_generate_rejects_bad_options(tmp_path):
    with pytest.raises(ValueError, match="years"):
        Options(out_dir=tmp_path, years=0)
    with pytest.raises(ValueError, match="scale"):
        Options(out_dir=tmp_path, scale=0)
    with pytest.raises(ValueError, match="noise"):
        Options(out_dir=tmp_path, noise="medium")


def test_writer_refuses_columns_the_spec_does_not_have(tmp_path):
    from vigil.synth.writer import Sink

    with Sink(tmp_path) as sink:
        with pytest.raises(TypeError, match="no_such_column"):
            sink.add("incidents", no_such_column="x")
        with pytest.raises(KeyError, match="no_such_column"):
            sink.bulk("risk_answers", ("assessment", "no_such_column"), [("a", "b")])
        # Columns given in another order are written in the spec's order.
        sink.bulk("risk_answers", ("source", "answer", "question", "assessment"),
                  [("victim", "Y", "3", "CONNECT:R1")])
        sink.add("areas", code="WMP", name="West Midlands Police", kind="force")
    given = {"source": "victim", "answer": "Y", "question": "3", "assessment": "CONNECT:R1"}
    expected = ",".join(given.get(c.name, "") for c in spec.BY_NAME["risk_answers"].columns)
    assert (tmp_path / "risk_answers.csv").read_text().splitlines()[1] == expected
