"""`vigil snapshot`: the operational store as pseudonymised Parquet, rewritten incrementally.

Layout under <data dir>/snapshot/ (a link to the latest complete generation under
<data dir>/snapshot-generations/; a run writes a new generation and publishes it whole):
  manifest.json                       watermark, row counts and partition list per table
  <table>/part=<YYYY-MM|chunk-N|all>/data.parquet

Rows are partitioned by the month of their business date (so a day's new crimes rewrite
only the current month) or, for link tables with no timestamps, by blocks of ids. A run
exports only rows whose `updated_at` (or id, for link tables) is past the last watermark
and rewrites just the partitions those rows fall in or moved out of. A table whose live
row count is below the snapshot's (a deletion) is rewritten whole.

Person foreign keys become keyed hashes (HMAC-SHA256 of the linked Person id with a
secret kept in the data dir), so analysts can count distinct people but never see who.
Names, dates of birth, phones, addresses, narratives and free text are not exported.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

LONDON = ZoneInfo("Europe/London")
CHUNK_IDS = 200_000
SECRET_FILE = "snapshot-key"
MANIFEST = "manifest.json"
LOCK_FILE = ".lock"
READ_LOCK = ".snapshot-read.lock"
WRITE_LOCK = ".snapshot-write.lock"
GENERATIONS = "snapshot-generations"


@dataclass(frozen=True)
class TableSpec:
    """One exported table: which model, which columns, how it is partitioned."""

    name: str
    model: str  # "app_label.ModelName"
    columns: tuple[str, ...]  # Django lookups, exported under their last-but-path name
    # Person columns: lookup to a SourceRecord FK -> exported as <alias> with a hashed key.
    persons: dict[str, str] = field(default_factory=dict)
    # Lookup giving the business date for monthly partitions; None = id blocks; "" = one file.
    partition_by: str | None = None
    renames: dict[str, str] = field(default_factory=dict)
    incremental: bool = True
    # A derived table: rows computed by a function (dotted path; called with the person
    # pseudonymiser, returns {column: values}) instead of read from `model`; rewritten
    # whole on every run. `derived_columns` types them: (name, "int"|"timestamp"|"string").
    build: str = ""
    derived_columns: tuple[tuple[str, str], ...] = ()


TABLES: tuple[TableSpec, ...] = (
    TableSpec("areas", "core.Area",
              ("id", "code", "name", "kind", "parent_id", "local_authority", "adult_women"),
              partition_by="", incremental=False),
    TableSpec("outcome_codes", "incidents.OutcomeCode",
              ("id", "code", "label", "group", "parent__code"),
              renames={"parent__code": "parent_code", "group": "code_group"},
              partition_by="", incremental=False),
    TableSpec("incidents", "incidents.Incident",
              ("id", "reported_at", "grade", "arrived_at", "closed_at", "lpa_id",
               "neighbourhood_id"), partition_by="reported_at"),
    TableSpec("incident_parties", "incidents.IncidentParty",
              ("id", "incident_id", "role", "relationship", "present", "school_id",
               "home_educated"), persons={"person": "person_key"}),
    TableSpec("crimes", "incidents.Crime",
              ("id", "incident_id", "recorded_at", "committed_at", "offence_group", "offence",
               "is_domestic_abuse", "lpa_id", "cps_referred_at"), partition_by="recorded_at"),
    TableSpec("crime_parties", "incidents.CrimeParty",
              ("id", "crime_id", "role", "relationship"), persons={"person": "person_key"}),
    TableSpec("outcomes", "incidents.Outcome",
              ("id", "crime_id", "code__code", "outcome_at"), persons={"suspect": "suspect_key"},
              renames={"code__code": "code"}, partition_by="outcome_at"),
    TableSpec("arrests", "incidents.Arrest",
              ("id", "crime_id", "arrested_at", "released_at", "disposal", "for_breach_of_id"),
              persons={"suspect": "suspect_key"}, partition_by="arrested_at"),
    TableSpec("bail", "incidents.Bail",
              ("id", "arrest_id", "granted_at", "return_on", "victim_views_captured",
               "ended_at"), partition_by="granted_at"),
    TableSpec("wanted", "incidents.Wanted",
              ("id", "crime_id", "kind", "wanted_from", "resolved_at"),
              persons={"suspect": "suspect_key"}, partition_by="wanted_from"),
    TableSpec("orders", "orders.ProtectiveOrder",
              ("id", "order_type", "subject_age", "lpa_id", "follows_id", "crime_id",
               "applied_at", "served_at", "hearing_at", "made_on", "starts_on", "ends_on",
               "status", "notified_at"),
              persons={"subject": "subject_key"}, partition_by="served_at"),
    TableSpec("order_checks", "orders.OrderCheck",
              ("id", "order_id", "checked_at", "victim_contacted", "subject_checked",
               "breach_found"), partition_by="checked_at"),
    TableSpec("order_breaches", "orders.OrderBreach",
              ("id", "order_id", "reported_at", "reported_by", "result", "arrest_id"),
              partition_by="reported_at"),
    TableSpec("marac_meetings", "marac.MaracMeeting",
              ("id", "lpa_id", "held_on", "capacity"), partition_by="held_on"),
    TableSpec("marac_referrals", "marac.MaracReferral",
              ("id", "lpa_id", "referring_agency", "referred_on", "visible_high_risk",
               "professional_judgement", "potential_escalation", "repeat_referral",
               "idva_referred_on", "status", "meeting_id", "heard_on", "sharing_basis",
               "closed_on", "withdrawn_on"),
              persons={"victim": "victim_key"}, partition_by="referred_on"),
    # Issue 15 item 8: a transfer out ends a case's wait on its day (no text exported).
    TableSpec("marac_transfers", "marac.MaracTransfer",
              ("id", "referral_id", "from_lpa_id", "to_lpa_id", "transferred_on"),
              partition_by="transferred_on"),
    # Issue 11: actions agreed at MARAC (who owns them and the text are not exported).
    TableSpec("marac_actions", "marac.MaracAction",
              ("id", "referral_id", "agency", "due_on", "completed_on", "carried_on"),
              partition_by="referral__referred_on"),
    TableSpec("risk_assessments", "risk.RiskAssessment",
              ("id", "instrument", "incident_id", "crime_id", "assessed_at", "yes_count",
               "actuarial_level", "officer_level", "supervisor_level", "final_level",
               "supervised_at"), persons={"victim": "victim_key"}, partition_by="assessed_at"),
    TableSpec("encompass_notifications", "encompass.EncompassNotification",
              ("id", "incident_id", "school_id", "local_authority_id", "child_present",
               "notified_at"), persons={"child": "child_key"},
              partition_by="incident__reported_at"),
    # Every child of Encompass age on a DA incident with the deadline of their task (the
    # next school day's start in their school's authority): the on-time denominator.
    TableSpec("encompass_duties", "incidents.IncidentParty", (),
              build="vigil.encompass.duties.snapshot_rows",
              derived_columns=(("id", "int"), ("incident_id", "int"),
                               ("local_authority_id", "int"), ("reported_at", "timestamp"),
                               ("due_at", "timestamp"), ("notified_at", "timestamp"),
                               ("child_key", "string"))),
    TableSpec("child_screenings", "encompass.ChildScreening",
              ("id", "incident_id", "local_authority_id", "screened_at", "decision",
               "referral_queued_at", "referred_at"), partition_by="incident__reported_at"),
    TableSpec("log_reviews", "controlroom.LogReview",
              ("id", "incident_id", "reviewed_at", "feedback", "positive_feedback", "regraded",
               "reopened", "risk_assessment_feedback", "reassurance_given",
               "asked_support_services", "children_identified", "key_risk_factors_asked",
               "victim_blaming_language"), partition_by="reviewed_at"),
    # The DA desk's contact with a new incident (Rapid Video Response), issue 14.
    TableSpec("desk_contacts", "controlroom.DeskContact",
              ("id", "incident_id", "recorded_at", "video_contact_at", "dash_taken",
               "suicide_screened"), partition_by="recorded_at"),
    # QA dip-sample reviews made in Vigil (the reason, free text, is not exported).
    TableSpec("dip_sample_reviews", "risk.DipSampleReview",
              ("id", "assessment_id", "reviewed_at", "agrees", "proposed_level"),
              partition_by="reviewed_at"),
    TableSpec("dvds_applications", "disclosure.DvdsApplication",
              ("id", "route", "applicant_type", "lpa_id", "received_at", "initial_checks_at",
               "decision", "decided_at", "disclosed_at", "safety_plan", "form_quality",
               "relationship", "lawful", "necessary", "proportionate"),
              persons={"person_at_risk": "person_at_risk_key", "subject": "subject_key"},
              partition_by="received_at"),
    TableSpec("victim_care", "victims.VictimCare",
              ("id", "crime_id", "needs_assessed_at", "contact_plan_at",
               "support_referred_at", "enhanced_rights", "contact_every_days"),
              persons={"victim": "victim_key"},
              partition_by="crime__recorded_at"),
    TableSpec("victim_updates", "victims.VictimUpdate",
              ("id", "care_id", "reason", "event_at", "told_at"), partition_by="told_at"),
)
TABLES_BY_NAME = {t.name: t for t in TABLES}


class SnapshotError(Exception):
    """A user-facing error with a message naming what was wrong."""


def snapshot_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "snapshot"


def load_secret(data_dir: Path) -> bytes:
    """The pseudonymisation key: created once, kept beside the data, never exported."""
    path = Path(data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def person_key(secret: bytes, person_id: int | None, record_id: int | None) -> str | None:
    """A stable pseudonym for a person (or for an unlinked source record)."""
    if person_id is None and record_id is None:
        return None
    token = f"p{person_id}" if person_id is not None else f"r{record_id}"
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()[:20]


def _local(value):
    """Aware datetimes become Europe/London wall-clock time (months follow local time)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LONDON).replace(tzinfo=None)
        return value
    return value


def _month_key(value) -> str:
    value = _local(value)
    return f"part={value:%Y-%m}" if value is not None else "part=undated"


def _read_manifest(root: Path) -> dict:
    path = root / MANIFEST
    if not path.exists():
        return {"tables": {}}
    return json.loads(path.read_text())


def _write_atomic(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(path)


@dataclass
class TableResult:
    name: str
    rows_exported: int
    partitions_written: int
    full: bool


def _fetch(spec: TableSpec, qs, secret: bytes) -> tuple[list[str], list[list]]:
    """Rows of `qs` as columns, with person lookups hashed and times made local."""
    lookups = list(spec.columns)
    person_cols = []
    for lookup, alias in spec.persons.items():
        lookups += [f"{lookup}__person_id", f"{lookup}_id"]
        person_cols.append(alias)
    part_lookup = spec.partition_by or None
    if part_lookup and part_lookup not in lookups:
        lookups.append(part_lookup)
    names = [spec.renames.get(c, c) for c in spec.columns]
    cols: list[list] = [[] for _ in range(len(names) + len(person_cols))]
    parts: list[str] = []
    n_plain = len(spec.columns)
    part_index = lookups.index(part_lookup) if part_lookup else None
    for row in qs.values_list(*lookups).iterator(chunk_size=20_000):
        for i in range(n_plain):
            cols[i].append(_local(row[i]))
        for j in range(len(person_cols)):
            pid, rid = row[n_plain + 2 * j], row[n_plain + 2 * j + 1]
            cols[n_plain + j].append(person_key(secret, pid, rid))
        if part_index is not None:
            parts.append(_month_key(row[part_index]))
    return names + person_cols, cols + [parts]


def _partition_of(spec: TableSpec, ids: list[int], parts: list[str]) -> list[str]:
    if spec.partition_by is None:
        return [f"part=chunk-{i // CHUNK_IDS:05d}" for i in ids]
    if spec.partition_by == "":
        return ["part=all"] * len(ids)
    return parts


def _arrow(names: list[str], cols: list[list], schema: pa.Schema | None) -> pa.Table:
    if schema is not None:
        return pa.table({n: pa.array(c, type=schema.field(n).type)
                         for n, c in zip(names, cols, strict=True)})
    return pa.table(dict(zip(names, cols, strict=True)))


DERIVED_TYPES = {"int": pa.int64(), "timestamp": pa.timestamp("us"), "string": pa.string()}


def expected_schema(spec: TableSpec) -> pa.Schema:
    """The columns this version of Vigil exports for `spec`, typed."""
    from django.apps import apps

    return _schema_for(spec, None if spec.build else apps.get_model(spec.model))


def _schema_for(spec: TableSpec, model) -> pa.Schema:
    """Arrow types from the Django fields, so empty partitions still have typed columns."""
    from django.db import models as m

    if spec.build:
        return pa.schema([pa.field(n, DERIVED_TYPES[t]) for n, t in spec.derived_columns])

    fields = []
    for lookup in spec.columns:
        target = model
        parts = lookup.split("__")
        for hop in parts[:-1]:
            target = target._meta.get_field(hop).related_model
        fname = parts[-1]
        f = target._meta.get_field(fname[:-3] if fname.endswith("_id") and fname != "id"
                                    else fname)
        if isinstance(f, (m.ForeignKey, m.AutoField)) or fname == "id":
            typ = pa.int64()
        elif isinstance(f, m.BooleanField):
            typ = pa.bool_()
        elif isinstance(f, m.DateTimeField):
            typ = pa.timestamp("us")
        elif isinstance(f, m.DateField):
            typ = pa.date32()
        elif isinstance(f, (m.IntegerField,)):
            typ = pa.int64()
        else:
            typ = pa.string()
        fields.append(pa.field(spec.renames.get(lookup, lookup), typ))
    fields += [pa.field(alias, pa.string()) for alias in spec.persons.values()]
    return pa.schema(fields)


def _existing_partitions_holding(table_dir: Path, ids: list[int]) -> set[str]:
    if not ids or not table_dir.exists():
        return set()
    import duckdb

    files = sorted(str(p) for p in table_dir.glob("part=*/data.parquet"))
    if not files:
        return set()
    con = duckdb.connect()
    con.register("changed", pa.table({"id": pa.array(ids, type=pa.int64())}))
    rows = con.execute(
        "SELECT DISTINCT filename FROM read_parquet(?, filename=true) "
        "WHERE id IN (SELECT id FROM changed)", [files]).fetchall()
    con.close()
    return {Path(r[0]).parent.name for r in rows}


def export_derived(spec: TableSpec, root: Path, state: dict, secret: bytes) -> TableResult:
    """A derived table, computed whole and written as one file."""
    from django.utils.module_loading import import_string

    schema = _schema_for(spec, None)
    columns = import_string(spec.build)(lambda pid, rid: person_key(secret, pid, rid))
    table = pa.table({f.name: pa.array([_local(v) for v in columns[f.name]], type=f.type)
                      for f in schema})
    table_dir = root / spec.name
    for old in table_dir.glob("part=*/data.parquet"):
        old.unlink()
    _write_atomic(table, table_dir / "part=all" / "data.parquet")
    state.clear()
    state.update({"rows": table.num_rows})
    return TableResult(spec.name, table.num_rows, 1, True)


def export_table(spec: TableSpec, root: Path, state: dict, secret: bytes, *,
                 full: bool) -> TableResult:
    from django.apps import apps

    if spec.build:
        return export_derived(spec, root, state, secret)

    model = apps.get_model(spec.model)
    table_dir = root / spec.name
    schema = _schema_for(spec, model)
    live_count = model.objects.count()
    has_updated = any(f.name == "updated_at" for f in model._meta.get_fields())
    # A Vigil upgrade that adds a column (e.g. orders.made_on) rewrites the table once:
    # rows already exported would otherwise read it as not known.
    columns = schema.names
    rewrite_all = (full or not spec.incremental or not state
                   or live_count < state.get("rows", 0) or state.get("columns") != columns)
    qs = model.objects.all()
    if not rewrite_all:
        if has_updated and state.get("watermark"):
            qs = qs.filter(updated_at__gt=datetime.fromisoformat(state["watermark"]))
        else:
            qs = qs.filter(id__gt=state.get("max_id", 0))
    # Read the watermark before the rows, so a row saved during the export is seen next time.
    new_watermark = None
    if has_updated:
        latest = model.objects.order_by("-updated_at").values_list("updated_at", flat=True)
        new_watermark = latest.first()
    names, cols = _fetch(spec, qs, secret)
    parts = cols.pop()
    ids = cols[names.index("id")]
    row_parts = _partition_of(spec, ids, parts)
    written = 0
    if rewrite_all:
        if table_dir.exists():
            for old in table_dir.glob("part=*/data.parquet"):
                old.unlink()
        targets = sorted(set(row_parts)) or (["part=all"] if spec.partition_by == "" else [])
        old_parts: set[str] = set()
    else:
        old_parts = _existing_partitions_holding(table_dir, ids)
        targets = sorted(set(row_parts) | old_parts)
    changed = _arrow(names, cols, schema)
    if targets:
        part_col = pa.array(row_parts, type=pa.string())
        import pyarrow.compute as pc

        changed_ids = pa.array(ids, type=pa.int64())
        for part in targets:
            mine = changed.filter(pc.equal(part_col, part)) if len(row_parts) else changed
            path = table_dir / part / "data.parquet"
            if not rewrite_all and path.exists():
                kept = pq.read_table(path, schema=schema)
                kept = kept.filter(pc.invert(pc.is_in(kept["id"], value_set=changed_ids)))
                mine = pa.concat_tables([kept, mine])
            if mine.num_rows == 0 and spec.partition_by != "":
                path.unlink(missing_ok=True)
                continue
            _write_atomic(mine.sort_by("id"), path)
            written += 1
    # An empty table keeps one typed, empty file so readers still see its columns.
    placeholder = table_dir / "part=empty" / "data.parquet"
    if any(p != placeholder for p in table_dir.glob("part=*/data.parquet")):
        placeholder.unlink(missing_ok=True)
    elif not placeholder.exists():
        _write_atomic(schema.empty_table(), placeholder)
    max_id = model.objects.order_by("-id").values_list("id", flat=True).first() or 0
    state.clear()
    state.update({"rows": live_count, "max_id": max_id, "columns": columns,
                  "watermark": new_watermark.isoformat() if new_watermark else None})
    return TableResult(spec.name, len(ids), written, rewrite_all)


@contextmanager
def _flock(path: Path, *, exclusive: bool):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def snapshot_lock(data_dir: Path, *, exclusive: bool):
    """Readers share it while loading; a writer holds it exclusively only for the moment
    it publishes a finished snapshot. So a report made while a snapshot is being written
    reads the last complete one, and never a half-written one."""
    with _flock(Path(data_dir) / READ_LOCK, exclusive=exclusive):
        yield


def _link_tree(src: Path, dst: Path) -> None:
    """A copy of `src` made of hard links (instant; files are replaced, never rewritten
    in place, so the published snapshot keeps its own files)."""
    for path in sorted(src.rglob("*")):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.name != LOCK_FILE and not path.name.endswith(".tmp"):
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)


def _publish(data_dir: Path, new: Path) -> None:
    """Point <data dir>/snapshot at the finished generation `new`, atomically, and remove
    the generation it replaces (no reader holds it: the read lock is held exclusively)."""
    link = snapshot_dir(data_dir)
    with snapshot_lock(data_dir, exclusive=True):
        old = link.resolve() if link.is_symlink() else None
        if link.exists() and not link.is_symlink():  # a snapshot from before generations
            legacy = new.parent / f"legacy-{time.time_ns()}"
            link.rename(legacy)
            old = legacy
        tmp = link.with_name(link.name + ".new")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(new.relative_to(link.parent))
        tmp.replace(link)
        if old is not None and old != new and old.exists():
            shutil.rmtree(old, ignore_errors=True)


def take_snapshot(data_dir: Path, *, full: bool = False,
                  progress: Callable[[str], None] | None = None) -> list[TableResult]:
    """Export every table; only what changed since the last run unless `full`.

    The run writes a new generation (hard links to the last one, then the changed
    partitions) and publishes it when complete; one writer at a time."""
    data_dir = Path(data_dir)
    with _flock(data_dir / WRITE_LOCK, exclusive=True):
        gens = data_dir / GENERATIONS
        gens.mkdir(parents=True, exist_ok=True)
        current = snapshot_dir(data_dir)
        live = current.resolve() if current.exists() else None
        for stale in gens.iterdir():  # left by a run that did not finish
            if stale != live:
                shutil.rmtree(stale, ignore_errors=True)
        new = gens / f"{datetime.now(LONDON):%Y%m%dT%H%M%S}-{time.time_ns() % 10**9:09d}"
        new.mkdir()
        if live is not None:
            _link_tree(live, new)
        results = _take_snapshot(data_dir, full=full, progress=progress, root=new)
        _publish(data_dir, new)
        return results


def _take_snapshot(data_dir: Path, *, full: bool,
                   progress: Callable[[str], None] | None, root: Path) -> list[TableResult]:
    secret = load_secret(data_dir)
    manifest = _read_manifest(root)
    results = []
    for spec in TABLES:
        t0 = time.monotonic()
        state = manifest["tables"].setdefault(spec.name, {})
        result = export_table(spec, root, state, secret, full=full)
        results.append(result)
        if progress:
            progress(f"{spec.name}: {result.rows_exported} rows, "
                     f"{result.partitions_written} partitions ({time.monotonic() - t0:.1f} s)")
    manifest["taken_at"] = datetime.now(LONDON).isoformat()
    tmp = root / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    tmp.replace(root / MANIFEST)
    return results


def table_glob(data_dir: Path, name: str) -> str:
    return str(snapshot_dir(data_dir) / name / "part=*" / "data.parquet")


def require_snapshot(data_dir: Path) -> Path:
    root = snapshot_dir(data_dir)
    if not (root / MANIFEST).exists():
        raise SnapshotError(f"no snapshot in {root}; run `vigil snapshot` first")
    return root
