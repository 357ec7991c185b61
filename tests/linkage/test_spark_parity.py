"""Linkage on Splink's Spark backend gives the same pairs, probabilities and persons as
DuckDB on the same records (issue 18), through the same code path."""

import pytest

from tests.factories import at
from vigil.cli import main
from vigil.core.policy import current as current_policy
from vigil.people.linkage import frame, model, pipeline, testdata
from vigil.people.linkage import spark as linkage_spark
from vigil.people.models import Person, SourceRecord

pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():
    from vigil.core.spark import session

    s = session(threads=2)
    yield s
    s.stop()


@pytest.mark.parametrize("duckdb_sql, spark_sql", [
    ("hamming(dob_l, dob_r) <= 1",
     "SIZE(FILTER(SEQUENCE(1, LENGTH(dob_l)), i -> SUBSTRING(dob_l, i, 1) <> "
     "SUBSTRING(dob_r, i, 1))) <= 1"),
    ("list_has_any(forename_aliases_l, forename_aliases_r)",
     "ARRAYS_OVERLAP(forename_aliases_l, forename_aliases_r)"),
    ('jaro_winkler_similarity("surname_l", "surname_r") >= 0.92',
     "JARO_WINKLER(`surname_l`, `surname_r`) >= 0.92"),
    ('l."dob" = r."dob"', "l.`dob` = r.`dob`"),
])
def test_the_models_duckdb_functions_are_rewritten_for_spark(duckdb_sql, spark_sql):
    assert linkage_spark.to_spark(duckdb_sql) == spark_sql


def test_every_condition_of_the_shipped_model_is_rewritten():
    settings = linkage_spark.spark_settings(
        model.with_current_blocking(model.load_file(model.DEFAULT_MODEL).settings))
    assert settings["sql_dialect"] == "spark"
    conditions = [lvl["sql_condition"] for c in settings["comparisons"]
                  for lvl in c["comparison_levels"]]
    conditions += [r if isinstance(r, str) else r["blocking_rule"]
                   for r in settings["blocking_rules_to_generate_predictions"]]
    for text in conditions:
        assert not any(f in text.lower() for f in ("hamming(", "list_has_any(",
                                                    "jaro_winkler_similarity(", '"'))


def _groups(clusters):
    out = {}
    for record, cluster in clusters.items():
        out.setdefault(cluster, set()).add(record)
    return {frozenset(s) for s in out.values()}


def test_same_pairs_and_persons_on_duckdb_and_spark(spark):
    records, _truth = testdata.generate(300, "high", seed=5)
    df = frame.build([{k: r.get(k) for k in frame.SOURCE_FIELDS} for r in records])
    trained = model.load_file(model.DEFAULT_MODEL)
    pol = current_policy()
    kwargs = dict(link_probability=pol.link_match_probability,
                  review_probability=pol.link_review_probability)
    duck = pipeline.link(df, trained, **kwargs)
    with linkage_spark.use(spark):
        on_spark = pipeline.link(df, trained, **kwargs)
    cols = ["unique_id_l", "unique_id_r", "match_probability", "demoted"]
    assert len(duck.pairs) > 300  # a real comparison, not two empty frames
    assert duck.pairs[cols].equals(on_spark.pairs[cols])
    assert _groups(duck.clusters) == _groups(on_spark.clusters)
    assert len(_groups(duck.clusters)) < len(df)  # some records were linked


def _persons():
    out = {}
    for system, sid, person in SourceRecord.objects.values_list(
            "source_system", "source_id", "person_id"):
        out.setdefault(person, set()).add((system, sid))
    return {frozenset(v) for v in out.values()}


def test_vigil_link_engine_spark_links_as_duckdb_does(db, settings, tmp_path, spark, capsys):
    settings.DATA_DIR = tmp_path
    records, _truth = testdata.generate(120, "high", seed=9)
    for r in records:
        SourceRecord.objects.create(
            person=Person.objects.create(), source_system=r["source_system"],
            source_id=f"T{r['id']}", date_of_birth=r["date_of_birth"],
            **{k: r[k] or "" for k in ("forename", "surname", "sex", "postcode", "address",
                                       "phone")})
    as_of = at(2026, 3, 1).isoformat()
    assert main(["link", "--no-train", "--as-of", as_of]) == 0
    on_duckdb = _persons()
    for record in SourceRecord.objects.all():  # every record on its own again
        record.person = Person.objects.create()
        record.save(update_fields=["person"])
    assert main(["link", "--no-train", "--engine", "spark", "--as-of", as_of]) == 0
    assert "scoring on Spark" in capsys.readouterr().out
    assert _persons() == on_duckdb
    assert len(on_duckdb) < SourceRecord.objects.count()
