"""`import_dir`: load a folder of source exports (see spec.py), all or nothing.

One pass per file, in spec.FILES order, inside one transaction. Rows are read
as a stream and handled in batches: parse and check each row, resolve the
batch's references with one query per referenced table, look up the batch's
existing records with one query, then insert the new rows in one statement
(writer.py) and bulk_update only the changed ones. Good rows are written as we go (so later rows and
files can refer to them); at the end, any bad row rolls everything back, as
does a dry run. Memory stays flat: only one batch and a fixed-size filter for
duplicate keys are held per file.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from tqdm import tqdm

from vigil.core import policy as policy_module
from vigil.core.models import AuditEvent
from vigil.ingest import bulk, persons, reconcile
from vigil.ingest.checks import check_row
from vigil.ingest.dupes import KeyFilter, bits_for
from vigil.ingest.idset import IdSet
from vigil.ingest.lock import ImportBusy as ImportBusy  # re-exported for callers
from vigil.ingest.lock import import_lock
from vigil.ingest.reader import RawRow, read_rows
from vigil.ingest.rejects import RejectReport
from vigil.ingest.signals import records_imported
from vigil.ingest.spec import BY_MODEL, FILES, REFERENCE_CODE_FIELDS, Column, FileSpec
from vigil.ingest.values import BadValue, empty_value, parse_cell
from vigil.ingest.writer import insert_rows

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000
# Keys of rejected rows remembered, so a row referring to one says so (bounded memory).
MAX_REJECTED_KEYS = 100_000
REJECT_REPORT_NAME = "reject-report.csv"
PERSON_MODEL = "people.SourceRecord"
# Extra fields fetched with a reference, for the checks and computed fields.
REF_EXTRAS = {
    "people.SourceRecord": ("date_of_birth", "person_id"),
    "risk.RiskAssessment": ("instrument",),
    "orders.ProtectiveOrder": ("order_type", "served_at", "starts_on", "applied_at"),
    "core.Area": ("kind",),
    "incidents.OutcomeCode": ("parent_id",),
}
# A row referring to one of these records concerns that record's person, whose rules
# re-run after the import (a MARAC action: the victim's task in the MARAC queue).
PERSON_VIA = {"marac.MaracReferral": "victim__person_id"}
for _label, _lookup in PERSON_VIA.items():  # fetched with the reference
    REF_EXTRAS[_label] = (*REF_EXTRAS.get(_label, ()), _lookup)


@dataclass
class FileCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    path: Path
    dry_run: bool
    counts: dict[str, FileCounts] = field(default_factory=dict)
    rejects: RejectReport = field(default_factory=RejectReport)
    person_ids: IdSet = field(default_factory=IdSet)
    as_of: datetime | None = None
    reject_report_path: Path | None = None
    # Receivers of records_imported that raised (the import itself is committed).
    receiver_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejects

    def totals(self) -> FileCounts:
        out = FileCounts()
        for c in self.counts.values():
            out.created += c.created
            out.updated += c.updated
            out.unchanged += c.unchanged
        return out


class ImportRejected(Exception):
    """Bad rows were found; nothing was written. `result.rejects` lists them."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__(f"{result.rejects.total} problem(s) in {result.path}; nothing imported")


class _Rollback(Exception):
    """Raised inside the transaction to roll the whole import back."""


@dataclass
class Plan:
    """How one column of a file is read: its spec, model field and header position."""

    col: Column
    field: models.Field
    index: int | None = None
    target: type[models.Model] | None = None  # for ref and code columns
    lookup: tuple[str, ...] = ()  # target fields a value is matched on
    name: str = ""  # the column's name (a plain attribute: read for every cell)

    def __post_init__(self):
        self.name = self.col.name


@dataclass
class Row:
    line: int
    values: dict  # column name -> parsed value (None when empty)
    key: tuple[str, ...]  # the key as written in the file
    refs: dict = field(default_factory=dict)  # column name -> target row info
    data: dict = field(default_factory=dict)  # model attname -> stored value
    history: dict | None = None  # an outcome's values before this row changed them


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ":".join(value)
    return str(value)


def _plans(spec: FileSpec) -> list[Plan]:
    out = []
    for col, f in zip(spec.columns, spec.fields, strict=True):
        plan = Plan(col, f)
        if col.type in ("ref", "code"):
            plan.target = f.related_model
            plan.lookup = ((REFERENCE_CODE_FIELDS[col.target],) if col.type == "code"
                           else ("source_system", "source_id"))
        out.append(plan)
    return out


class ImportRun:
    def __init__(self, path: Path, *, dry_run: bool, progress: bool, now: datetime):
        self.path = path
        self.now = now
        self.policy = policy_module.current()
        self.result = ImportResult(path=path, dry_run=dry_run)
        self.progress = progress and sys.stderr.isatty()
        self.rejected: dict[tuple[str, tuple], tuple[str, int]] = {}
        self.loaded_tables: set[str] = set()
        self.duck = None  # the set-wise path's DuckDB (bulk.py), made on first use

    def remember_rejected(self, spec: FileSpec, key: tuple, line: int) -> None:
        if len(self.rejected) < MAX_REJECTED_KEYS:
            self.rejected.setdefault((spec.model_label, key), (spec.filename, line))

    @property
    def report(self) -> RejectReport:
        return self.result.rejects

    def files(self) -> list[tuple[FileSpec, Path]]:
        """The spec files present, in import order; folder problems go to the report."""
        if not self.path.is_dir():
            self.report.add(str(self.path), None, "", "", "not a folder")
            return []
        known = {s.filename for s in FILES}
        for p in sorted(self.path.iterdir()):
            if p.name.startswith(".") or p.is_dir() or p.name == REJECT_REPORT_NAME:
                continue
            if p.name not in known:
                self.report.add(p.name, None, "", "",
                                "unknown file; the import reads only the files in "
                                "docs/import-format.md")
        out = []
        for spec in FILES:
            p = self.path / spec.filename
            if p.exists():
                out.append((spec, p))
            elif not spec.optional_file:
                self.report.add(spec.filename, None, "", "", "required file is missing")
        return out

    def run(self) -> None:
        files = self.files()
        if self.report:
            return
        if connection.vendor == "postgresql":
            # Foreign keys are deferred to commit by default; checked per statement, a
            # violation is caught by the per-row backstop instead of failing the commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        importers = [FileImporter(self, spec, p) for spec, p in files]
        # Headers first: a missing or unknown column stops the import before any row,
        # rather than burying it under the rows that would refer to that file.
        for imp in importers:
            imp.check_header()
        if self.report:
            return
        try:
            for imp in importers:
                imp.run()
        finally:
            bulk.close_duck(self)
        if any(spec.name in ("risk_assessments", "risk_answers") for spec, _ in files):
            self.check_yes_counts()

    def check_yes_counts(self) -> None:
        """yes_count must equal the Y answers of every assessment that has answers."""
        from vigil.risk.models import RiskAssessment

        bad = (RiskAssessment.objects
               .annotate(n_answers=Count("answers"),
                         n_yes=Count("answers", filter=Q(answers__answer="Y")))
               .filter(n_answers__gt=0).exclude(yes_count=F("n_yes"))
               .values_list("source_system", "source_id", "yes_count", "n_yes")
               .order_by("id"))
        found = {(s, i): (y, n) for s, i, y, n in bad[:self.report.cap]}
        if not found:
            return
        lines = _lines_of_keys(self.path / "risk_assessments.csv", set(found))
        for key, (yes, n) in found.items():
            ref = ":".join(key)
            reason = (f"assessment {ref} has yes_count {yes} but {n} \"Y\" answers "
                      "in risk_answers")
            if key in lines:
                self.report.add("risk_assessments.csv", lines[key], "yes_count", yes, reason)
            else:
                self.report.add("risk_answers.csv", None, "assessment", ref, reason)


def _lines_of_keys(path: Path, keys: set[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    """Line numbers of the given source keys in a file (a second, key-only pass)."""
    if not path.exists():
        return {}
    rows = read_rows(path)
    header = next(rows, None)
    if header is None:
        return {}
    names = [c.strip() for c in header.cells]
    try:
        idx = (names.index("source_system"), names.index("source_id"))
    except ValueError:
        return {}
    out = {}
    for raw in rows:
        if len(raw.cells) == len(names):
            key = tuple(raw.cells[i].strip() for i in idx)
            if key in keys:
                out.setdefault(key, raw.line)
    return out


class FileImporter:
    def __init__(self, run: ImportRun, spec: FileSpec, path: Path):
        self.run_ = run
        self.spec = spec
        self.model = spec.model
        self.path = path
        self.plans = _plans(spec)
        self.by_name = {p.name: p for p in self.plans}
        self.counts = run.result.counts.setdefault(spec.filename, FileCounts())
        self.present: list[Plan] = []
        self.width = 0
        self.key_indexes: list[int] = []
        self.self_refs = [p for p in self.plans if p.target is self.model]
        self.person_refs = [p for p in self.plans
                            if p.target is not None and p.col.target == PERSON_MODEL]
        self.person_via = [(p, PERSON_VIA[p.col.target]) for p in self.plans
                           if p.target is not None and p.col.target in PERSON_VIA]
        self.datetime_names = [p.name for p in self.plans if p.col.type == "datetime"]
        self.key_attnames = [self.by_name[k].field.attname for k in spec.key]
        self.has_version = any(f.name == "version" for f in self.model._meta.concrete_fields)
        self.has_updated_at = any(f.name == "updated_at"
                                  for f in self.model._meta.concrete_fields)
        self.keys: KeyFilter | None = None  # allocated while this file is read

    # -- reporting

    def reject(self, line, column, value, reason) -> None:
        self.run_.report.add(self.spec.filename, line, column, _display(value), reason)

    def drop(self, row: Row) -> None:
        """Remember a rejected row's key, for the messages of rows referring to it."""
        self.run_.remember_rejected(self.spec, row.key, row.line)

    # -- header

    def read_header(self, header: RawRow | None) -> bool:
        if header is None:
            self.reject(None, "", "", "empty file: the first line must name the columns")
            return False
        if header.encoding_error or header.csv_error:
            self.reject(header.line, "", "", header.encoding_error or header.csv_error)
            return False
        names = [c.strip() for c in header.cells]
        ok = True
        seen = set()
        for i, name in enumerate(names):
            if name in seen:
                self.reject(1, name, "", "column appears twice in the header")
                ok = False
            seen.add(name)
            plan = self.by_name.get(name)
            if plan is None:
                why = ("is computed by the import; remove it" if name in self.spec.computed
                       else f"unknown column; {self.spec.filename} has: "
                       + ", ".join(p.name for p in self.plans))
                self.reject(1, name, "", why)
                ok = False
            else:
                plan.index = i
        for plan in self.plans:
            if plan.index is None and (plan.col.required or plan.name in self.spec.key):
                self.reject(1, plan.name, "", "required column is missing from the header")
                ok = False
        self.width = len(names)
        self.present = [p for p in self.plans if p.index is not None]
        if ok:
            self.key_indexes = [self.by_name[k].index for k in self.spec.key]
        return ok

    def check_header(self) -> bool:
        rows = read_rows(self.path)
        try:
            return self.read_header(next(rows, None))
        finally:
            rows.close()

    # -- the pass over the file (after check_header)

    def run(self) -> None:
        if bulk.eligible(self):
            saved = vars(self.counts).copy()
            try:
                bulk.BulkFile(self).run()
                logger.info("%s: checked and staged", self.spec.filename)
                return
            except bulk.Fallback as exc:
                logger.info("%s: per-row import (%s)", self.spec.filename, exc)
                vars(self.counts).update(saved)
        self.run_.loaded_tables.add(self.model._meta.db_table)
        self.run_per_row()
        logger.info("%s: checked and staged", self.spec.filename)

    def run_per_row(self) -> None:
        size = self.path.stat().st_size
        # One file's filter at a time: memory is bounded by one filter, not by the folder.
        self.keys = KeyFilter(bits_for(size))
        with tqdm(total=size, unit="B", unit_scale=True, desc=self.spec.filename,
                  disable=not self.run_.progress, leave=False) as bar:
            rows = read_rows(self.path, on_bytes=bar.update)
            next(rows, None)  # the header, checked already
            batch: list[Row] = []
            pending: set[tuple[str, ...]] = set()
            # Rows referring to a row of the open batch wait for the next batch (written
            # after the one they refer to), so that a file of notices each followed by its
            # order is written in a few batches, not one batch per pair.
            later: list[Row] = []
            later_keys: set[tuple[str, ...]] = set()

            def add(row: Row) -> None:
                if self.self_refs and any(
                        (k := self._self_key(row, p)) in pending or k in later_keys
                        for p in self.self_refs):
                    later.append(row)
                    later_keys.add(row.key)
                    return
                batch.append(row)
                pending.add(row.key)

            def flush_open(final: bool) -> None:
                nonlocal batch, pending, later, later_keys
                while batch and (final or len(batch) >= BATCH_SIZE
                                 or len(later) >= BATCH_SIZE):
                    self.flush(batch)
                    waiting = later
                    batch, pending, later, later_keys = [], set(), [], set()
                    for row in waiting:
                        add(row)

            for raw in rows:
                row = self.parse(raw)
                if row is None:
                    continue
                if row.key in pending or row.key in later_keys:
                    # The second copy is reported by the duplicate pass; keep the first.
                    self.keys.suspect(row.key)
                    continue
                self.keys.add(row.key)
                add(row)
                flush_open(final=False)
            flush_open(final=True)
        self.report_duplicates()
        self.keys = None

    def _self_key(self, row: Row, plan: Plan):
        value = row.values.get(plan.name)
        if value is None:
            return None
        return value if isinstance(value, tuple) else (value,)

    def parse(self, raw: RawRow) -> Row | None:
        if raw.csv_error or raw.encoding_error:
            self.reject(raw.line, "", "", raw.csv_error or raw.encoding_error)
            return None
        if len(raw.cells) != self.width:
            self.reject(raw.line, "", "", f"expected {self.width} cells (one per header column), "
                        f"found {len(raw.cells)}")
            return None
        values, problems = self.parse_cells(raw.cells)
        for column, value, reason in problems:
            self.reject(raw.line, column, value, reason)
        key = tuple(raw.cells[i].strip() for i in self.key_indexes)
        if problems:
            self.run_.remember_rejected(self.spec, key, raw.line)
            return None
        return Row(raw.line, values, key)

    def parse_cells(self, cells: list[str]) -> tuple[dict, list[tuple[str, str, str]]]:
        """The parsed values of one row's cells, and (column, text, reason) per bad cell."""
        values, problems = {}, []
        for plan in self.present:
            text = (cells[plan.index] or "").strip()
            if not text:
                if plan.col.required:
                    problems.append((plan.name, "", "required value is missing"))
                values[plan.name] = None
                continue
            try:
                values[plan.name] = parse_cell(text, plan.col, plan.field)
            except BadValue as exc:
                problems.append((plan.name, text, str(exc)))
        return values, problems

    # -- one batch

    def flush(self, batch: list[Row]) -> None:
        if not batch:
            return
        rows = self.resolve(batch)
        rows = [r for r in rows if self.check(r)]
        if self.spec.name == "outcomes":
            rows = self.one_outcome_per_crime(rows)
        existing = self.existing(rows)
        creates, updates = [], []
        update_fields: set[str] = set()
        for row in rows:
            old = existing.get(self._db_key(row))
            if old is None:
                creates.append(row)
                continue
            changed = {a: v for a, v in row.data.items() if old[a] != v}
            if not changed:
                self.counts.unchanged += 1
                continue
            # The batch writes back the union of changed fields, so each object carries
            # all its new values (an unchanged field is written with its own value).
            obj = self.model(pk=old["pk"], **row.data)
            if self.has_version:
                obj.version = old["version"] + 1
            if self.has_updated_at:
                obj.updated_at = self.run_.now
            if self.spec.name == "persons":
                obj.person_id = old["person_id"]
                for name in persons.SUMMARY_FIELDS:
                    setattr(obj, name, row.data[name] if name in row.data else old[name])
            update_fields.update(changed)
            if self.spec.name == "outcomes" and {"code_id", "outcome_at"} & set(changed):
                # The outcome as it was: kept when a later export changes it.
                row.history = {"outcome_id": old["pk"], "code_id": old["code_id"],
                               "outcome_at": old["outcome_at"], "changed_at": self.run_.now,
                               "changed_by": f"import {self.run_.path.name}"[:150]}
            updates.append((row, obj))
        if self.has_version:
            update_fields.add("version")
        if self.has_updated_at:
            update_fields.add("updated_at")
        self.write(creates, updates, sorted(update_fields))

    def one_outcome_per_crime(self, rows: list[Row]) -> list[Row]:
        """A second outcome for a crime (in the store or earlier in the file) is refused
        with the outcome it already has, not left to the database's one-to-one rule."""
        from vigil.incidents.checks import second_outcomes

        if not hasattr(self, "_outcome_crimes"):
            self._outcome_crimes: dict[int, tuple[str, str]] = {}
        pairs = [(r.data["crime_id"], (r.data["source_system"], r.data["source_id"]))
                 for r in rows]
        refused = second_outcomes(pairs, self._outcome_crimes)
        for i, reason in refused.items():
            self.reject(rows[i].line, "crime", rows[i].values.get("crime"), reason)
            self.drop(rows[i])
        return [r for i, r in enumerate(rows) if i not in refused]

    def resolve(self, batch: list[Row]) -> list[Row]:
        """Attach the target of every reference; rows with a dangling one are rejected."""
        good = {id(r): True for r in batch}
        for plan in self.present:
            if plan.target is None:
                continue
            wanted = {r.values[plan.name] for r in batch if r.values.get(plan.name) is not None}
            if not wanted:
                continue
            found = _lookup(plan, wanted)
            for row in batch:
                value = row.values.get(plan.name)
                if value is None:
                    continue
                info = found.get(value)
                if info is None:
                    good[id(row)] = False
                    self.reject(row.line, plan.name, value, self._dangling(plan, value))
                else:
                    row.refs[plan.name] = info
        for r in batch:
            if not good[id(r)]:
                self.drop(r)
        return [r for r in batch if good[id(r)]]

    def _dangling(self, plan: Plan, value) -> str:
        label = plan.col.target
        key = value if isinstance(value, tuple) else (value,)
        rejected = self.run_.rejected.get((label, key))
        if rejected:
            return f"refers to the row rejected at {rejected[0]} line {rejected[1]}"
        target = BY_MODEL.get(label)
        where = target.filename if target else label
        if plan.col.type == "code":
            if label == "incidents.OutcomeCode":
                return ("unknown outcome code; allowed: Home Office codes 1-22, 1A, 2A, 3A, "
                        "and local sub-codes in outcome_codes.csv or already held")
            return (f"unknown {plan.lookup[0]}: not in the database, nor earlier in this "
                    f"import ({where})")
        return (f"refers to a {where} record that is neither in the database nor earlier in "
                "this import")

    def check(self, row: Row) -> bool:
        problems = check_row(self.spec, row.values, row.refs, self.plans, self.run_.policy)
        for column, value, reason in problems:
            self.reject(row.line, column, value, reason)
        if problems:
            self.drop(row)
            return False
        for plan in self.present:
            value = row.values[plan.name]
            if plan.target is not None:
                row.data[plan.field.attname] = None if value is None else row.refs[plan.name]["id"]
            else:
                row.data[plan.field.attname] = empty_value(plan.field) if value is None else value
        for name in self.spec.computed:
            row.data[self.model._meta.get_field(name).attname] = row.values[name]
        return True

    def _db_key(self, row: Row) -> tuple:
        return tuple(row.data[a] for a in self.key_attnames)

    def existing(self, rows: list[Row]) -> dict[tuple, dict]:
        """The batch's records already in the database: db key -> their stored values."""
        if not rows:
            return {}
        if self.spec.source_keyed:
            by_system = defaultdict(set)
            for r in rows:
                by_system[r.data["source_system"]].add(r.data["source_id"])
            q = Q()
            for system, ids in by_system.items():
                q |= Q(source_system=system, source_id__in=ids)
            qs = self.model.objects.filter(q)
        else:
            # The leading column only: it leads the unique index, which SQLite then uses
            # (with IN lists on every column it may choose a worse plan).
            first = self.key_attnames[0]
            qs = self.model.objects.filter(**{f"{first}__in": {r.data[first] for r in rows}})
        names = {"pk"} | {a for r in rows[:1] for a in r.data}
        if self.has_version:
            names.add("version")
        if self.spec.name == "persons":
            names |= {"person_id", *persons.SUMMARY_FIELDS}
        found = {tuple(v[a] for a in self.key_attnames): v for v in qs.values(*names)}
        if self.spec.source_keyed:  # the same fact already made in Vigil (ADR 0006)
            found.update(reconcile.adopt(self.model, rows, found, self._db_key, names))
        return found

    # -- writing, with the database as the backstop

    def write(self, creates: list[Row], updates: list, update_fields: list[str]) -> None:
        try:
            with transaction.atomic():
                self._write(creates, updates, update_fields)
        except (IntegrityError, DataError):
            # The batch broke a database rule the checks above missed: write it row by
            # row, one savepoint each, to name the rows the database refuses.
            creates = [r for r in creates if self._write_one([r], [], update_fields)]
            updates = [u for u in updates if self._write_one([], [u], update_fields)]
        self.counts.created += len(creates)
        self.counts.updated += len(updates)
        self.note_touched(creates, updates)

    def _write_one(self, creates: list[Row], updates: list, update_fields: list[str]) -> bool:
        row = creates[0] if creates else updates[0][0]
        try:
            with transaction.atomic():
                self._write(creates, updates, update_fields)
        except (IntegrityError, DataError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            self.reject(row.line, "", "", f"refused by the database: {reason}")
            self.drop(row)
            return False
        return True

    def _write(self, creates: list[Row], updates: list, update_fields: list[str]) -> None:
        new = [r.data for r in creates]
        changed = [obj for _, obj in updates]
        if self.spec.name == "persons" and new:
            persons.create_singletons(new)
        insert_rows(self.model, new, self.run_.now)
        if changed:
            self.model.objects.bulk_update(changed, update_fields)
            history = [row.history for row, _ in updates if getattr(row, "history", None)]
            if history:
                from vigil.incidents.models import OutcomeChange

                OutcomeChange.objects.bulk_create([OutcomeChange(**h) for h in history])
            if self.spec.name == "persons":
                persons.refresh_singletons(changed, self.run_.now)

    def note_touched(self, creates: list[Row], updates: list) -> None:
        result = self.run_.result
        written = [(r, r.data.get("person_id")) for r in creates]
        written += [(r, getattr(obj, "person_id", None)) for r, obj in updates]
        for row, own_person in written:
            if self.spec.name == "persons" and own_person is not None:
                result.person_ids.add(own_person)
            for plan in self.person_refs:
                info = row.refs.get(plan.name)
                if info and info.get("person_id") is not None:
                    result.person_ids.add(info["person_id"])
            for plan, lookup in self.person_via:
                info = row.refs.get(plan.name)
                person_id = info and info.get(lookup)
                if person_id is not None:
                    result.person_ids.add(person_id)
            for name in self.datetime_names:
                value = row.values.get(name)
                if value is not None and (result.as_of is None or value > result.as_of):
                    result.as_of = value

    # -- duplicate keys across the whole file

    def report_duplicates(self) -> None:
        suspects = self.keys.suspects
        if not suspects or not self.key_indexes:
            return
        first: dict[tuple, int] = {}
        for raw in read_rows(self.path):
            if raw.line == 1 or len(raw.cells) != self.width:
                continue
            key = tuple(raw.cells[i].strip() for i in self.key_indexes)
            if key not in suspects:
                continue
            if key in first:
                self.reject(raw.line, ", ".join(self.spec.key), ":".join(key),
                            f"duplicate key: the same {', '.join(self.spec.key)} as line "
                            f"{first[key]}")
            else:
                first[key] = raw.line


def _lookup(plan: Plan, wanted: set) -> dict:
    """Target rows for a batch's reference values: value -> {"id": ..., extras}."""
    extras = REF_EXTRAS.get(plan.target._meta.label, ())
    fields = ["id", *plan.lookup, *extras]
    if plan.col.type == "code":
        qs = plan.target.objects.filter(**{f"{plan.lookup[0]}__in": wanted})
        return {row[plan.lookup[0]]: row for row in qs.values(*fields)}
    by_system = defaultdict(set)
    for system, source_id in wanted:
        by_system[system].add(source_id)
    q = Q()
    for system, ids in by_system.items():
        q |= Q(source_system=system, source_id__in=ids)
    return {(row["source_system"], row["source_id"]): row
            for row in plan.target.objects.filter(q).values(*fields)}


def analyze(tables: set[str]) -> None:
    """Fresh planner statistics for what was loaded (a stale plan costs more than this)."""
    if connection.in_atomic_block:
        return  # inside a caller's transaction (tests): its tables are not committed yet
    with connection.cursor() as cur:
        for table in sorted(tables):
            cur.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def import_dir(path, *, dry_run: bool = False, actor: str = "import", progress: bool = True,
               reject_report: str | Path | None = None, now: datetime | None = None,
               wait: float = 0) -> ImportResult:
    """Import every export file in `path`; all or nothing.

    Returns the result (counts per file) on success. On any bad row nothing is
    written, the reject report is saved as CSV (default: reject-report.csv in
    `path`) and ImportRejected is raised carrying the result. While another import
    into the same database runs, waits up to `wait` seconds, then raises ImportBusy.
    """
    path = Path(path)
    now = now or timezone.now()
    run = ImportRun(path, dry_run=dry_run, progress=progress, now=now)
    result = run.result
    # _Rollback leaves the atomic block on purpose (bad rows, or a dry run): nothing is written.
    with import_lock(wait), contextlib.suppress(_Rollback), transaction.atomic():
        run.run()
        if run.report or dry_run:
            raise _Rollback
        AuditEvent.objects.create(
            at=now, actor=actor, action=AuditEvent.Action.IMPORT, object_type="ingest.import",
            object_id=path.name[:64], context=str(path)[:300],
            detail={"counts": {name: vars(c) for name, c in result.counts.items()},
                    "persons_touched": len(result.person_ids)})
    report_path = Path(reject_report) if reject_report else path / REJECT_REPORT_NAME
    if run.report:
        try:
            run.report.write_csv(report_path)
            result.reject_report_path = report_path
        except OSError:
            result.reject_report_path = None
        raise ImportRejected(result)
    if not dry_run:
        analyze(run.loaded_tables)
        if report_path.exists() and report_path.parent == path:
            # A stale report from an earlier failed attempt would mislead.
            report_path.unlink()
        # The import is committed: a failing receiver (e.g. the rules) must not make it
        # look as if it were not. Its error is returned for the caller to report.
        for receiver, outcome in records_imported.send_robust(
                sender=ImportRun, person_ids=result.person_ids, as_of=result.as_of):
            if isinstance(outcome, Exception):
                name = getattr(receiver, "__qualname__", repr(receiver))
                logger.error("records_imported receiver %s failed", name, exc_info=outcome)
                result.receiver_errors.append(f"{name}: {outcome!r}")
    return result
