"""Set-wise import of one file: DuckDB reads and types it, the database reconciles.

The per-row importer (importer.FileImporter) stays the definition of every
promise; this path gives the same outcome at database speed:

1. DuckDB reads the CSV (all text) into a disk-backed table, so memory does not
   grow with the file. A file DuckDB cannot read strictly (bad UTF-8, a ragged or
   malformed row) goes the per-row way, which names the line.
2. Each column is typed in SQL where setwise.cell_sql says the per-row parser would
   agree; flagged rows are parsed by the per-row parser itself (values.parse_cell),
   which gives the value or the reject message. Duplicate keys are found with a
   window function.
3. The typed rows go to a temporary staging table in the database (COPY on
   PostgreSQL, executemany on SQLite), references are resolved with one join per
   column, rows the set-wise row flags pick out are checked by checks.check_row,
   and the file is reconciled with three statements: mark changed rows, update
   them (version + 1), insert the new ones.

Rejects are collected by row number and turned into physical line numbers by one
streaming pass over the file, only when there are any.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from django.db import DataError, IntegrityError, connection, models, transaction

from vigil.ingest import reconcile, setwise
from vigil.ingest.checks import check_row
from vigil.ingest.reader import read_rows
from vigil.ingest.setwise import q
from vigil.ingest.values import empty_value
from vigil.ingest.writer import _default

if TYPE_CHECKING:
    from vigil.ingest.importer import FileImporter, ImportRun

PERSON_MODEL = "people.SourceRecord"
SUMMARY_FIELDS = ("forename", "surname", "date_of_birth", "sex", "postcode")
FETCH = 20_000
# Narratives may be long; the per-row reader allows 16 MiB cells.
MAX_LINE_SIZE = 20 * 1024 * 1024


class Fallback(Exception):
    """This file must go the per-row way (nothing of it has been written)."""


def duck_for(run: ImportRun) -> duckdb.DuckDBPyConnection:
    """The run's DuckDB, on disk in a temporary folder, with a memory cap."""
    if getattr(run, "duck", None) is None:
        run.duck_dir = tempfile.TemporaryDirectory(prefix="vigil-import-")
        con = duckdb.connect(str(Path(run.duck_dir.name) / "import.duckdb"))
        con.execute(f"SET memory_limit = '{os.environ.get('VIGIL_IMPORT_MEMORY', '512MB')}'")
        con.execute(f"SET temp_directory = {q(run.duck_dir.name)}")
        con.execute(f"SET threads = {max(1, min(4, os.cpu_count() or 1))}")
        con.execute("SET preserve_insertion_order = true")
        run.duck = con
    return run.duck


def close_duck(run: ImportRun) -> None:
    if getattr(run, "duck", None) is not None:
        run.duck.close()
        run.duck = None
        run.duck_dir.cleanup()


def eligible(imp: FileImporter) -> bool:
    """Whether the set-wise path gives this file the same outcome as the per-row one."""
    spec = imp.spec
    if os.environ.get("VIGIL_IMPORT_PER_ROW") or imp.self_refs:
        return False
    # Records Vigil can make or fill in are reconciled row by row (ADR 0006): a row
    # may adopt a record made in Vigil, and an empty cell must not blank Vigil's value.
    if reconcile.fact_key(imp.model) or getattr(imp.model, "vigil_fields", ()):
        return False
    if any(p.col.type in ("json", "decimal") for p in imp.present):
        return False
    for p in imp.present:
        if p.target is None:
            try:
                setwise.literal(empty_value(p.field))
            except TypeError:
                return False
    cols = {p.name: p.name for p in imp.present}
    extras = {f"{p.name}.{x}": "NULL" for p in imp.present if p.target is not None
              for x in setwise.FLAG_EXTRAS.get(p.col.target, ())}
    return setwise.row_flags(spec, cols, extras) is not None


def _stage_name(spec) -> str:
    return f"vigil_stage_{spec.name}"


class BulkFile:
    def __init__(self, imp: FileImporter):
        self.imp = imp
        self.run_ = imp.run_
        self.spec = imp.spec
        self.model = imp.model
        self.duck = duck_for(self.run_)
        self.vendor = connection.vendor
        self.qn = connection.ops.quote_name
        self.stage = _stage_name(self.spec)
        self.pending: list[tuple[int, str, object, str]] = []
        self.bad_rows: set[int] = set()
        self.pending_rows: set[int] = set()

    # -- columns

    def stage_columns(self) -> list[tuple[str, str, models.Field | None]]:
        """(staging column, kind, field): value, ref system/id, code."""
        out = []
        for p in self.imp.present:
            if p.col.type == "ref":
                out += [(f"{p.name}__s", "text", None), (f"{p.name}__i", "text", None)]
            elif p.col.type == "code":
                out.append((f"{p.name}__c", "text", None))
            else:
                out.append((p.name, p.col.type, p.field))
        return out

    # -- 1 and 2: read and type in DuckDB

    def read(self) -> None:
        width = self.imp.width
        cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
        try:
            self.duck.execute("DROP TABLE IF EXISTS raw")
            self.duck.execute(
                f"CREATE TABLE raw AS SELECT * FROM read_csv({q(str(self.imp.path))}, "
                f"auto_detect = false, header = true, columns = {cols}, delim = ',', "
                "quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
                f"max_line_size = {MAX_LINE_SIZE}, encoding = 'utf-8')")
        except duckdb.Error as exc:
            raise Fallback(str(exc)) from None

    def typed_select(self) -> tuple[str, str]:
        """(SELECT of the typed columns, predicate of the rows to parse one by one)."""
        exprs, oks = ["rowid AS _row"], []
        for p in self.imp.present:
            c = f"c{p.index}"
            ok, value = setwise.cell_sql(c, p.col, p.field)
            empty = f"({c} IS NULL OR {c} = '')"
            # Never NULL: a row is either typed here or parsed one by one.
            if p.col.required:
                oks.append(f"COALESCE(NOT {empty} AND {ok}, FALSE)")
            else:
                oks.append(f"COALESCE({empty} OR ({ok}), FALSE)")
            if p.col.type == "ref":
                system, ident = setwise.ref_parts(c)
                exprs += [f"CASE WHEN {empty} THEN NULL ELSE {system} END AS \"{p.name}__s\"",
                          f"CASE WHEN {empty} THEN NULL ELSE {ident} END AS \"{p.name}__i\""]
            elif p.col.type == "code":
                exprs.append(f"CASE WHEN {empty} THEN NULL ELSE {c} END AS \"{p.name}__c\"")
            else:
                default = setwise.literal(empty_value(p.field))
                exprs.append(f"CASE WHEN {empty} THEN {default} ELSE {value} END "
                             f"AS \"{p.name}\"")
        return ", ".join(exprs), " AND ".join(oks) or "TRUE"

    def type_rows(self) -> None:
        select, ok = self.typed_select()
        self.duck.execute("DROP TABLE IF EXISTS typed")
        self.duck.execute(f"CREATE TABLE typed AS SELECT {select} FROM raw WHERE {ok}")
        flagged = self.duck.execute(f"SELECT rowid, * FROM raw WHERE NOT ({ok}) ORDER BY rowid")
        names = [n for n, _, _ in self.stage_columns()]
        placeholders = ", ".join(["?"] * (len(names) + 1))
        while chunk := flagged.fetchmany(FETCH):
            fixed = []
            for row, *cells in chunk:
                values, problems = self.imp.parse_cells(cells)
                if problems:
                    for column, value, reason in problems:
                        self.add_reject(row, column, value, reason)
                    continue
                fixed.append([row, *self.typed_values(values)])
            if fixed:
                self.duck.executemany(f"INSERT INTO typed VALUES ({placeholders})", fixed)

    def typed_values(self, values: dict) -> list:
        out = []
        for p in self.imp.present:
            v = values.get(p.name)
            if p.col.type == "ref":
                out += [None, None] if v is None else list(v)
            elif p.col.type == "code":
                out.append(v)
            elif v is None:
                out.append(empty_value(p.field))
            elif isinstance(v, datetime):
                out.append(v.astimezone(UTC).replace(tzinfo=None))
            else:
                out.append(v)
        return out

    def duplicates(self) -> None:
        key = []
        for name in self.spec.key:
            p = self.imp.by_name[name]
            key += ([f"{name}__s", f"{name}__i"] if p.col.type == "ref" else
                    [f"{name}__c"] if p.col.type == "code" else [name])
        keys = ", ".join(f'"{k}"' for k in key)
        dupes = self.duck.execute(
            f"SELECT d._row, d.first, r.* FROM (SELECT _row, min(_row) OVER "
            f"(PARTITION BY {keys}) AS first FROM typed) d "
            "JOIN raw r ON r.rowid = d._row WHERE d._row <> d.first ORDER BY d._row")
        columns = ", ".join(self.spec.key)
        while chunk := dupes.fetchmany(FETCH):
            for row, first, *cells in chunk:
                text = ":".join(cells[i].strip() for i in self.imp.key_indexes)
                self.add_reject(row, columns, text, ("duplicate key", first))

    # -- 3: stage in the database

    def create_stage(self) -> None:
        qn = self.qn
        cols = ["_row bigint PRIMARY KEY"]
        for name, kind, field in self.stage_columns():
            db_type = field.db_type(connection) if field is not None else "text"
            if kind == "choice" and field is not None and not setwise.is_integer_field(field):
                db_type = "text"
            cols.append(f"{qn(name)} {db_type}")
        for p in self.imp.present:
            if p.target is not None:
                cols.append(f"{qn(p.name + '__pk')} bigint")
        cols += ["_pk bigint", "_bad boolean NOT NULL DEFAULT FALSE",
                 "_changed boolean NOT NULL DEFAULT FALSE", "_person bigint"]
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.stage}")
            cur.execute(f"CREATE TEMPORARY TABLE {self.stage} ({', '.join(cols)})")

    def _export_exprs(self) -> list[str]:
        exprs = ["_row"]
        for bare, kind, _ in self.stage_columns():
            name = f'"{bare}"'
            if kind == "datetime":
                if self.vendor == "postgresql":
                    exprs.append(f"strftime({name}, '%Y-%m-%d %H:%M:%S.%f') || '+00'")
                else:  # Django's SQLite format: str() of the naive UTC datetime
                    exprs.append(f"CASE WHEN {name} IS NULL THEN NULL WHEN epoch_us({name}) "
                                 f"% 1000000 = 0 THEN strftime({name}, '%Y-%m-%d %H:%M:%S') "
                                 f"ELSE strftime({name}, '%Y-%m-%d %H:%M:%S.%f') END")
            elif kind == "date":
                exprs.append(f"strftime({name}, '%Y-%m-%d')")
            elif kind == "boolean" and self.vendor != "postgresql":
                exprs.append(f"CAST({name} AS INTEGER)")
            else:
                exprs.append(name)
        return exprs

    def load_stage(self) -> int:
        names = ["_row", *(n for n, _, _ in self.stage_columns())]
        cols = ", ".join(self.qn(n) for n in names)
        select = (f"SELECT {', '.join(self._export_exprs())} FROM typed "
                  f"WHERE _row NOT IN (SELECT unnest(?::BIGINT[])) ORDER BY _row")
        bad = sorted(self.bad_rows)
        if self.vendor == "postgresql":
            csv_path = Path(self.run_.duck_dir.name) / f"{self.spec.name}.csv"
            self.duck.execute(f"COPY ({select}) TO {q(str(csv_path))} "
                              "(FORMAT csv, HEADER false, QUOTE '\"', FORCE_QUOTE *)", [bad])
            with connection.cursor() as cur, cur.cursor.copy(
                    f"COPY {self.stage} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy, \
                    open(csv_path, "rb") as fh:
                while block := fh.read(1 << 20):
                    copy.write(block)
            csv_path.unlink()
        else:
            result = self.duck.execute(select, [bad])
            sql = (f"INSERT INTO {self.stage} ({cols}) "
                   f"VALUES ({', '.join(['%s'] * len(names))})")
            with connection.cursor() as cur:
                while chunk := result.fetchmany(FETCH):
                    cur.executemany(sql, chunk)
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {self.stage}")
            return cur.fetchone()[0]

    def target_table(self, plan) -> tuple[str, tuple[str, ...]]:
        meta = plan.target._meta
        return self.qn(meta.db_table), tuple(self.qn(meta.get_field(f).column)
                                             for f in plan.lookup)

    def resolve(self) -> None:
        """Fill each reference's target id; report the ones that are not found."""
        qn = self.qn
        with connection.cursor() as cur:
            for p in self.imp.present:
                if p.target is None:
                    continue
                table, lookup = self.target_table(p)
                if p.col.type == "ref":
                    parts = [f"{p.name}__s", f"{p.name}__i"]
                else:
                    parts = [f"{p.name}__c"]
                match = " AND ".join(f"t.{lk} = s.{qn(part)}"
                                     for lk, part in zip(lookup, parts, strict=True))
                cur.execute(f"UPDATE {self.stage} AS s SET {qn(p.name + '__pk')} = t.id "
                            f"FROM {table} AS t WHERE {match}")
                cur.execute(f"SELECT _row, {', '.join(qn(x) for x in parts)} FROM {self.stage} "
                            f"WHERE {qn(parts[0])} IS NOT NULL AND {qn(p.name + '__pk')} IS NULL "
                            "ORDER BY _row")
                for row, *value in cur.fetchall():
                    value = tuple(value) if p.col.type == "ref" else value[0]
                    self.add_reject(row, p.name, value, self.imp._dangling(p, value))

    def check(self) -> None:
        """check_row on the rows the set-wise flags pick out (all it could reject)."""
        qn = self.qn
        col, ref_value, joins = {}, {}, []
        for p in self.imp.present:
            if p.target is None:
                col[p.name] = f"s.{qn(p.name)}"
                continue
            col[p.name] = f"s.{qn(p.name + '__pk')}"
            extras = setwise.FLAG_EXTRAS.get(p.col.target, ())
            if extras:
                alias = f"x_{p.name}"
                joins.append(f"LEFT JOIN {qn(p.target._meta.db_table)} AS {alias} "
                             f"ON {alias}.id = s.{qn(p.name + '__pk')}")
                for extra in extras:
                    column = p.target._meta.get_field(extra).column
                    ref_value[f"{p.name}.{extra}"] = f"{alias}.{qn(column)}"
        flags = setwise.row_flags(self.spec, col, ref_value)
        if flags in (None, "FALSE"):
            return
        with connection.cursor() as cur:
            cur.execute(f"SELECT s._row FROM {self.stage} AS s {' '.join(joins)} "
                        f"WHERE NOT s._bad AND ({flags}) ORDER BY s._row")
            rows = [r for r, in cur.fetchall() if r not in self.pending_rows]
        from vigil.ingest.importer import _lookup

        for start in range(0, len(rows), FETCH):
            part = rows[start:start + FETCH]
            raw = self.duck.execute(
                "SELECT rowid, * FROM raw WHERE rowid IN (SELECT unnest(?::BIGINT[])) "
                "ORDER BY rowid", [part]).fetchall()
            for row, *cells in raw:
                values, problems = self.imp.parse_cells(cells)
                refs = {}
                for p in self.imp.present:
                    if p.target is not None and values.get(p.name) is not None:
                        refs[p.name] = _lookup(p, {values[p.name]})[values[p.name]]
                problems = problems or check_row(self.spec, values, refs, self.imp.plans,
                                                 self.run_.policy)
                for column, value, reason in problems:
                    self.add_reject(row, column, value, reason)

    # -- rejects

    def add_reject(self, row: int, column: str, value, reason) -> None:
        self.pending.append((row, column, value, reason))
        self.pending_rows.add(row)

    def mark_bad(self) -> None:
        rows = sorted(self.pending_rows - self.bad_rows)
        self.bad_rows |= self.pending_rows
        if not rows:
            return
        with connection.cursor() as cur:
            for start in range(0, len(rows), 900):
                part = rows[start:start + 900]
                cur.execute(f"UPDATE {self.stage} SET _bad = TRUE WHERE _row IN "
                            f"({', '.join(['%s'] * len(part))})", part)

    def flush_rejects(self) -> None:
        """Turn row numbers into physical lines (one pass over the file) and report."""
        if not self.pending:
            return
        wanted = {r for r, *_ in self.pending}
        dupe_firsts = {x[3][1] for x in self.pending if isinstance(x[3], tuple)}
        lines: dict[int, int] = {}
        keys: dict[int, tuple] = {}
        rows = read_rows(self.imp.path)
        next(rows, None)
        for index, raw in enumerate(rows):
            if index in wanted or index in dupe_firsts:
                lines[index] = raw.line
                if len(raw.cells) == self.imp.width:
                    keys[index] = tuple(raw.cells[i].strip() for i in self.imp.key_indexes)
            if len(lines) == len(wanted | dupe_firsts):
                break
        rows.close()
        for row, column, value, reason in sorted(self.pending, key=lambda x: x[0]):
            if isinstance(reason, tuple):  # a duplicate: name the first line
                reason = (f"duplicate key: the same {', '.join(self.spec.key)} as line "
                          f"{lines.get(reason[1])}")
            self.imp.reject(lines.get(row), column, value, reason)
        for row in sorted(wanted):
            if row in keys and row in lines:
                self.run_.remember_rejected(self.spec, keys[row], lines[row])
        self.pending = []

    # -- 4: reconcile

    def target_columns(self) -> list[tuple[str, str]]:
        """(target column, staging expression) for every column the file gives."""
        out = []
        for p in self.imp.present:
            source = p.name + "__pk" if p.target is not None else p.name
            out.append((p.field.column, f"s.{self.qn(source)}"))
        return out

    def reconcile(self, total: int) -> None:
        qn = self.qn
        table = qn(self.model._meta.db_table)
        key_match = " AND ".join(f"t.{qn(self.imp.by_name[k].field.column)} = "
                                 f"s.{qn(k + '__pk' if self.imp.by_name[k].target else k)}"
                                 for k in self.spec.key)
        concrete = {f.name for f in self.model._meta.concrete_fields}
        now = self.run_.now
        adapt_dt = connection.ops.adapt_datetimefield_value
        columns = self.target_columns()
        key_cols = {self.imp.by_name[k].field.column for k in self.spec.key}
        values = [(c, e) for c, e in columns if c not in key_cols]
        distinct = "IS DISTINCT FROM" if self.vendor == "postgresql" else "IS NOT"
        counts = self.imp.counts
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {self.stage} AS s SET _pk = t.id FROM {table} AS t "
                        f"WHERE {key_match}")
            if values:
                differs = " OR ".join(f"t.{qn(c)} {distinct} {e}" for c, e in values)
                cur.execute(f"UPDATE {self.stage} AS s SET _changed = TRUE FROM {table} AS t "
                            f"WHERE t.id = s._pk AND NOT s._bad AND ({differs})")
                sets = [f"{qn(c)} = {e}" for c, e in values]
                params = []
                if "version" in concrete:
                    sets.append("version = t.version + 1")
                if "updated_at" in concrete:
                    sets.append("updated_at = %s")
                    params.append(adapt_dt(now))
                cur.execute(f"UPDATE {table} AS t SET {', '.join(sets)} FROM {self.stage} AS s "
                            f"WHERE t.id = s._pk AND s._changed", params)
                counts.updated += cur.rowcount
            new = "s._pk IS NULL AND NOT s._bad"
            if self.spec.model_label == PERSON_MODEL:
                self.create_persons(cur, new)
            given = {c for c, _ in columns}
            cols, exprs, params = [], [], []
            for c, e in columns:
                cols.append(qn(c))
                exprs.append(e)
            if self.spec.model_label == PERSON_MODEL:
                cols.append(qn("person_id"))
                exprs.append("s._person")
                given.add("person_id")
            for f in self.model._meta.concrete_fields:
                if f.primary_key or f.column in given:
                    continue
                value = _default(f, now)
                if value is not None and isinstance(f, models.DateTimeField):
                    value = adapt_dt(value)
                elif value is not None and isinstance(f, models.DateField):
                    value = connection.ops.adapt_datefield_value(value)
                cols.append(qn(f.column))
                exprs.append("%s")
                params.append(value)
            cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
                        f"FROM {self.stage} AS s WHERE {new} ORDER BY s._row", params)
            counts.created += cur.rowcount
            if self.spec.model_label == PERSON_MODEL:
                self.refresh_persons(cur)
            cur.execute(f"SELECT count(*) FROM {self.stage} WHERE _bad")
            bad = cur.fetchone()[0]
        counts.unchanged += total - bad - (counts.created + counts.updated - self._before)
        self.note_touched()

    def create_persons(self, cur, new: str) -> None:
        """A Person of its own for each new source record (ids allocated up front)."""
        person = self.qn("people_person")
        if self.vendor == "postgresql":
            cur.execute(f"UPDATE {self.stage} AS s SET _person = "
                        f"nextval(pg_get_serial_sequence('people_person', 'id')) WHERE {new}")
        else:
            cur.execute("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = "
                        "'people_person'), 0), coalesce((SELECT max(id) FROM people_person), 0))")
            base = cur.fetchone()[0]
            cur.execute(f"UPDATE {self.stage} AS s SET _person = %s + n.n FROM (SELECT _row, "
                        f"row_number() OVER (ORDER BY _row) AS n FROM {self.stage} AS s "
                        f"WHERE {new}) AS n WHERE n._row = s._row", [base])
        from vigil.people.models import Person

        cols, exprs, params = ["id"], ["s._person"], []
        now = connection.ops.adapt_datetimefield_value(self.run_.now)
        for f in Person._meta.concrete_fields:
            if f.primary_key:
                continue
            cols.append(self.qn(f.column))
            if f.name in SUMMARY_FIELDS and f.name in self.imp.by_name \
                    and self.imp.by_name[f.name].index is not None:
                exprs.append(f"s.{self.qn(f.name)}")
            else:
                value = _default(f, self.run_.now)
                if isinstance(value, datetime):
                    value = now
                exprs.append("%s")
                params.append(value)
        cur.execute(f"INSERT INTO {person} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
                    f"FROM {self.stage} AS s WHERE {new} ORDER BY s._row", params)

    def refresh_persons(self, cur) -> None:
        """Changed records that alone make up their person: the person follows them."""
        distinct = "IS DISTINCT FROM" if self.vendor == "postgresql" else "IS NOT"
        sets = ", ".join(f"{n} = r.{n}" for n in SUMMARY_FIELDS)
        differs = " OR ".join(f"p.{n} {distinct} r.{n}" for n in SUMMARY_FIELDS)
        now = connection.ops.adapt_datetimefield_value(self.run_.now)
        cur.execute(
            f"UPDATE people_person AS p SET {sets}, version = p.version + 1, updated_at = %s "
            f"FROM people_sourcerecord AS r, {self.stage} AS s "
            f"WHERE s._changed AND r.id = s._pk AND r.person_id = p.id AND ({differs}) "
            "AND (SELECT count(*) FROM people_sourcerecord AS r2 WHERE r2.person_id = p.id) = 1",
            [now])

    def note_touched(self) -> None:
        """The persons the written rows concern, and the latest time they carry."""
        result = self.run_.result
        written = "NOT s._bad AND (s._pk IS NULL OR s._changed)"
        with connection.cursor() as cur:
            if self.spec.model_label == PERSON_MODEL:
                cur.execute(f"SELECT coalesce(s._person, r.person_id) FROM {self.stage} AS s "
                            f"LEFT JOIN people_sourcerecord AS r ON r.id = s._pk "
                            f"WHERE {written}")
                for person_id, in cur.fetchall():
                    if person_id is not None:
                        result.person_ids.add(person_id)
            for p in self.imp.person_refs:
                cur.execute(f"SELECT DISTINCT r.person_id FROM {self.stage} AS s "
                            f"JOIN people_sourcerecord AS r ON r.id = s.{self.qn(p.name + '__pk')} "
                            f"WHERE {written} AND r.person_id IS NOT NULL")
                for person_id, in cur.fetchall():
                    result.person_ids.add(person_id)
            for p, lookup in self.imp.person_via:
                # e.g. an action's referral -> its victim's record -> the person
                via = p.target._meta.get_field(lookup.split("__")[0])
                cur.execute(f"SELECT DISTINCT r.person_id FROM {self.stage} AS s "
                            f"JOIN {p.target._meta.db_table} AS t "
                            f"ON t.id = s.{self.qn(p.name + '__pk')} "
                            f"JOIN people_sourcerecord AS r ON r.id = t.{self.qn(via.column)} "
                            f"WHERE {written} AND r.person_id IS NOT NULL")
                for person_id, in cur.fetchall():
                    result.person_ids.add(person_id)
            for name in self.imp.datetime_names:
                if name not in self.imp.by_name or self.imp.by_name[name].index is None:
                    continue
                cur.execute(f"SELECT max(s.{self.qn(name)}) FROM {self.stage} AS s "
                            f"WHERE {written}")
                value = cur.fetchone()[0]
                if isinstance(value, str):
                    value = datetime.fromisoformat(value)
                if value is not None and value.tzinfo is None:
                    value = value.replace(tzinfo=UTC)
                if value is not None and (result.as_of is None or value > result.as_of):
                    result.as_of = value

    # -- the whole file

    def run(self) -> None:
        self.read()  # may raise Fallback: nothing written yet
        self._before = self.imp.counts.created + self.imp.counts.updated
        self.type_rows()
        self.duplicates()
        self.create_stage()
        total = self.load_stage()
        self.bad_rows = set(self.pending_rows)
        try:
            with transaction.atomic():
                self.resolve()
                self.check()
                self.mark_bad()
                self.reconcile(total)
        except (IntegrityError, DataError) as exc:
            # A database rule the checks missed: the per-row path names the rows.
            raise Fallback(str(exc)) from None
        finally:
            self.duck.execute("DROP TABLE IF EXISTS raw; DROP TABLE IF EXISTS typed")
        self.flush_rejects()
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.stage}")
        self.run_.loaded_tables.add(self.model._meta.db_table)
        if self.spec.model_label == PERSON_MODEL:
            self.run_.loaded_tables.add("people_person")
