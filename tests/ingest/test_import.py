"""Importing a folder: counts, idempotence, updates, all-or-nothing, references."""

from datetime import date

import pytest

from tests.ingest.builders import base_rows, write_csv, write_export
from vigil.core.models import Area, AuditEvent
from vigil.incidents.models import Crime, Incident, IncidentParty, OutcomeCode
from vigil.ingest import importer
from vigil.ingest.importer import ImportRejected, import_dir
from vigil.ingest.signals import records_imported
from vigil.orders.models import ProtectedPerson, ProtectiveOrder
from vigil.people.models import Person, SourceRecord
from vigil.risk.models import RiskAnswer, RiskAssessment

pytestmark = pytest.mark.django_db


def versions():
    return {
        "persons": dict(SourceRecord.objects.values_list("source_id", "version")),
        "person": dict(Person.objects.values_list("id", "version")),
        "incidents": dict(Incident.objects.values_list("source_id", "version")),
        "orders": dict(ProtectiveOrder.objects.values_list("source_id", "version")),
    }


def test_outcome_codes_are_reference_data():
    codes = set(OutcomeCode.objects.values_list("code", flat=True))
    assert codes == {str(n) for n in range(1, 23)} | {"1A", "2A", "3A"}
    assert OutcomeCode.objects.get(code="1A").parent.code == "1"
    assert OutcomeCode.objects.get(code="16").group.startswith("Evidential difficulties")


def test_import_creates_every_row_and_counts_per_file(tmp_path):
    result = import_dir(write_export(tmp_path), progress=False)
    rows = base_rows()
    for name, file_rows in rows.items():
        assert result.counts[f"{name}.csv"].created == len(file_rows), name
    assert Area.objects.get(code="BHM-N1").parent.code == "BHM"
    child = IncidentParty.objects.get(role="child")
    assert child.school.urn == "100001" and child.present is True
    ra = RiskAssessment.objects.get()
    assert ra.actuarial_level == 3 and RiskAnswer.objects.filter(answer="Y").count() == 14
    dvpo = ProtectiveOrder.objects.get(source_id="O2")
    assert dvpo.follows.source_id == "O1"
    # P2 born 1985-06-15, served 2025-04-03: 39; P1 born 1990-01-01: 35.
    assert dvpo.subject_age == 39
    assert ProtectedPerson.objects.get().age == 35
    assert Crime.objects.get().outcome.code.code == "16"


def test_each_new_source_record_founds_a_singleton_person(tmp_path):
    import_dir(write_export(tmp_path), progress=False)
    rec = SourceRecord.objects.get(source_id="P1")
    assert rec.person.source_records.count() == 1
    p = rec.person
    assert (p.forename, p.surname, p.date_of_birth, p.sex, p.postcode) == (
        "Jane", "Smith", date(1990, 1, 1), "F", "B6 4AA")
    assert Person.objects.count() == 3


def test_reimporting_the_same_files_changes_nothing(tmp_path):
    folder = write_export(tmp_path)
    import_dir(folder, progress=False)
    before = versions()
    persons = Person.objects.count()
    result = import_dir(folder, progress=False)
    totals = result.totals()
    assert (totals.created, totals.updated) == (0, 0)
    assert totals.unchanged == sum(len(r) for r in base_rows().values())
    assert versions() == before
    assert Person.objects.count() == persons


def test_a_changed_row_updates_its_record_and_bumps_version(tmp_path):
    rows = base_rows()
    import_dir(write_export(tmp_path, rows), progress=False)
    rows["persons"][0]["surname"] = "Jones"
    rows["incidents"][0]["grade"] = "priority"
    result = import_dir(write_export(tmp_path, rows), progress=False)
    assert (result.counts["persons.csv"].updated, result.counts["persons.csv"].unchanged) == (1, 2)
    assert result.counts["incidents.csv"].updated == 1
    rec = SourceRecord.objects.get(source_id="P1")
    assert (rec.surname, rec.version) == ("Jones", 2)
    assert SourceRecord.objects.get(source_id="P2").version == 1
    # The singleton person follows its only source record.
    assert (rec.person.surname, rec.person.version) == ("Jones", 2)
    assert Incident.objects.get().version == 2


def test_changed_record_of_a_linked_person_leaves_the_person_alone(tmp_path):
    rows = base_rows()
    import_dir(write_export(tmp_path, rows), progress=False)
    p1 = SourceRecord.objects.get(source_id="P1")
    # Linkage put another record under P1's person: the person is no longer a singleton.
    SourceRecord.objects.filter(source_id="P3").update(person=p1.person)
    rows["persons"][0]["surname"] = "Jones"
    import_dir(write_export(tmp_path, rows), progress=False)
    p1.person.refresh_from_db()
    assert (p1.person.surname, p1.person.version) == ("Smith", 1)


def test_an_absent_optional_column_keeps_existing_values(tmp_path):
    rows = base_rows()
    import_dir(write_export(tmp_path, rows), progress=False)
    for row in rows["persons"]:
        del row["postcode"]
    result = import_dir(write_export(tmp_path, rows), progress=False)
    assert result.counts["persons.csv"].unchanged == 3
    assert SourceRecord.objects.get(source_id="P1").postcode == "B6 4AA"


def test_a_bad_row_in_the_middle_writes_nothing_from_any_file(tmp_path):
    rows = base_rows()
    crime = rows["crimes"][0]
    rows["crimes"] += [{**crime, "source_id": f"C{n}", "reference": f"R{n}"} for n in (2, 3, 4)]
    rows["crimes"][2]["recorded_at"] = "2025-04-31T10:00"  # C3, in the middle of the file
    with pytest.raises(ImportRejected) as exc:
        import_dir(write_export(tmp_path, rows), progress=False)
    rejects = exc.value.result.rejects.rejects
    assert [(r.file, r.line, r.column) for r in rejects] == [("crimes.csv", 4, "recorded_at")]
    assert not Area.objects.exists()
    assert not SourceRecord.objects.exists() and not Person.objects.exists()
    assert not Incident.objects.exists() and not Crime.objects.exists()
    assert not AuditEvent.objects.exists()


def test_dry_run_checks_everything_and_writes_nothing(tmp_path):
    result = import_dir(write_export(tmp_path), dry_run=True, progress=False)
    assert result.ok and result.counts["persons.csv"].created == 3
    assert not SourceRecord.objects.exists() and not Area.objects.exists()
    assert not AuditEvent.objects.exists()


def test_dry_run_still_reports_bad_rows(tmp_path):
    rows = base_rows()
    rows["persons"][1]["sex"] = "X"
    with pytest.raises(ImportRejected):
        import_dir(write_export(tmp_path, rows), dry_run=True, progress=False)
    assert (tmp_path / "reject-report.csv").exists()


def test_refs_resolve_to_rows_already_in_the_database(tmp_path):
    import_dir(write_export(tmp_path / "first"), progress=False)
    rows = {
        "persons": [{"source_system": "NICHE", "source_id": "N1", "surname": "New"}],
        "incidents": [{"source_system": "CONTROL", "source_id": "I2", "reference": "LOG-2",
                       "reported_at": "2025-05-01T10:00", "grade": "priority", "lpa": "BHM"}],
        "incident_parties": [
            {"incident": "CONTROL:I2", "person": "CONNECT:P1", "role": "victim"},  # from DB
            {"incident": "CONTROL:I2", "person": "NICHE:N1", "role": "suspect"},  # this import
            {"incident": "CONTROL:I1", "person": "NICHE:N1", "role": "witness"},  # DB incident
        ],
    }
    result = import_dir(write_export(tmp_path / "second", rows), progress=False)
    assert result.counts["incident_parties.csv"].created == 3
    assert IncidentParty.objects.filter(incident__source_id="I2").count() == 2


@pytest.mark.parametrize("batch_size", [2000, 1])
def test_self_references_to_earlier_rows_of_the_same_file(tmp_path, monkeypatch, batch_size):
    monkeypatch.setattr(importer, "BATCH_SIZE", batch_size)
    rows = base_rows()
    rows["areas"].append({"code": "BHM-N2", "name": "Lozells", "kind": "neighbourhood",
                          "parent": "BHM"})
    import_dir(write_export(tmp_path, rows), progress=False)
    assert Area.objects.get(code="BHM-N2").parent.parent.code == "WMP"
    assert ProtectiveOrder.objects.get(source_id="O2").follows.source_id == "O1"


@pytest.mark.parametrize("batch_size", [2000, 7, 1])
def test_notices_each_followed_by_its_order_are_written_in_few_batches(
        tmp_path, monkeypatch, batch_size):
    """A row referring to a row of the open batch waits for the next batch, rather than
    the batch being written early: 2 x N rows of pairs make about 2 x N / size batches."""
    monkeypatch.setattr(importer, "BATCH_SIZE", batch_size)
    rows = base_rows()
    dvpn, dvpo = rows["orders"]
    pairs = 30
    rows["orders"] = []
    for i in range(pairs):
        rows["orders"] += [{**dvpn, "source_id": f"N{i}"},
                           {**dvpo, "source_id": f"D{i}", "follows": f"CONNECT:N{i}"}]
    # A chain three deep at the end: a notice, its order, an order following that order.
    rows["orders"] += [{**dvpn, "source_id": "O1"}, {**dvpo, "source_id": "O2"},
                       {**dvpo, "source_id": "O3", "follows": "CONNECT:O2"}]
    del rows["order_conditions"], rows["order_protected_persons"]
    flushes = []
    real = importer.FileImporter.flush

    def counting(self, batch):
        if batch and self.spec.name == "orders":
            flushes.append(len(batch))
        return real(self, batch)

    monkeypatch.setattr(importer.FileImporter, "flush", counting)
    import_dir(write_export(tmp_path, rows), progress=False)
    for i in range(pairs):
        assert ProtectiveOrder.objects.get(source_id=f"D{i}").follows.source_id == f"N{i}"
    assert ProtectiveOrder.objects.get(source_id="O3").follows.follows.source_id == "O1"
    total = 2 * pairs + 3
    assert sum(flushes) == total
    assert len(flushes) <= -(-total // batch_size) + 3


def test_a_self_reference_to_a_later_row_is_dangling(tmp_path):
    rows = base_rows()
    rows["orders"].reverse()
    with pytest.raises(ImportRejected) as exc:
        import_dir(write_export(tmp_path, rows), progress=False)
    (r,) = [r for r in exc.value.result.rejects.rejects if r.file == "orders.csv"]
    assert (r.file, r.line, r.column, r.value) == ("orders.csv", 2, "follows", "CONNECT:O1")
    assert "neither in the database nor earlier in this import" in r.reason


def test_signal_carries_touched_persons_and_latest_time(tmp_path):
    seen = []

    def receiver(sender, person_ids, as_of, **kw):
        seen.append((person_ids, as_of))

    records_imported.connect(receiver)
    try:
        import_dir(write_export(tmp_path), progress=False)
        (person_ids, as_of) = seen[0]
        assert person_ids == set(Person.objects.values_list("id", flat=True))
        assert as_of.isoformat() == "2025-06-01T11:00:00+00:00"  # the outcome, BST
        rows = base_rows()
        rows["persons"][2]["forename"] = "Amelia"
        only = {"persons": rows["persons"]}
        import_dir(write_export(tmp_path / "again", only), progress=False)
        assert seen[1][0] == {SourceRecord.objects.get(source_id="P3").person_id}
    finally:
        records_imported.disconnect(receiver)


def test_one_audit_event_with_the_counts(tmp_path):
    import_dir(write_export(tmp_path), actor="nightly", progress=False)
    event = AuditEvent.objects.get(action="import")
    assert event.actor == "nightly"
    assert event.detail["counts"]["persons.csv"] == {"created": 3, "updated": 0, "unchanged": 0}


def test_files_are_read_in_spec_order_whatever_their_names_sort_as(tmp_path):
    # "areas" sorts first anyway; "risk_answers" sorts before "risk_assessments".
    rows = base_rows()
    result = import_dir(write_export(tmp_path, rows), progress=False)
    assert list(result.counts).index("risk_assessments.csv") < list(result.counts).index(
        "risk_answers.csv")


def test_a_stale_reject_report_is_removed_after_success(tmp_path):
    rows = base_rows()
    rows["persons"][0]["sex"] = "X"
    with pytest.raises(ImportRejected):
        import_dir(write_export(tmp_path, rows), progress=False)
    assert (tmp_path / "reject-report.csv").exists()
    write_csv(tmp_path, "persons", base_rows()["persons"])
    import_dir(tmp_path, progress=False)
    assert not (tmp_path / "reject-report.csv").exists()


def test_rows_referring_to_a_rejected_row_say_so(tmp_path):
    rows = base_rows()
    rows["crimes"][0]["offence_group"] = "assault"
    with pytest.raises(ImportRejected) as exc:
        import_dir(write_export(tmp_path, rows), progress=False)
    by_file = {}
    for r in exc.value.result.rejects.rejects:
        by_file.setdefault(r.file, []).append(r)
    assert by_file["crimes.csv"][0].reason.startswith("unknown value; allowed: violence_with")
    (party, _) = by_file["crime_parties.csv"]
    assert (party.column, party.value) == ("crime", "CONNECT:C1")
    assert party.reason == "refers to the row rejected at crimes.csv line 2"


def test_rows_changing_different_fields_in_one_batch_keep_each_others_values(tmp_path):
    rows = base_rows()
    import_dir(write_export(tmp_path, rows), progress=False)
    rows["persons"][0]["surname"] = "Jones"  # P1: surname only
    rows["persons"][1]["postcode"] = "B7 5BB"  # P2: postcode only
    import_dir(write_export(tmp_path, rows), progress=False)
    p1, p2 = SourceRecord.objects.order_by("source_id")[:2]
    assert (p1.surname, p1.postcode) == ("Jones", "B6 4AA")
    assert (p2.surname, p2.postcode) == ("Brown", "B7 5BB")


def test_a_failing_receiver_does_not_undo_or_hide_the_import(tmp_path):
    def broken(sender, **kw):
        raise RuntimeError("rules down")

    records_imported.connect(broken)
    try:
        result = import_dir(write_export(tmp_path), progress=False)
    finally:
        records_imported.disconnect(broken)
    assert SourceRecord.objects.count() == 3
    assert len(result.receiver_errors) == 1 and "rules down" in result.receiver_errors[0]
