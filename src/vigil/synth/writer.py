"""Write rows in the import format: one CSV per file of `vigil.ingest.spec`.

The columns and their types come from the spec at run time, so the generator
follows the data model as it changes. Values are given as Python values
(epoch seconds for date-times, `date` for dates, bool for booleans, None for
"not known") and formatted here.
"""

from __future__ import annotations

import csv
import keyword
from collections import Counter
from functools import partial
from pathlib import Path

from vigil.synth.clock import iso

TRUTH_DIR = "ground_truth"
TRUTH_FILE = "person_truth.csv"
TRUTH_COLUMNS = ("source_system", "source_id", "true_person_id")


_RESERVED = {"iso", "writerow", "count"}


def _row_function(file: str, columns, writerow, count):
    """A function `<file>(**columns)` that formats and writes one row.

    Generated from the spec's columns so that a row costs one Python call; an
    unknown column is a TypeError naming the file and the column.
    """
    for c in columns:
        if not c.name.isidentifier() or keyword.iskeyword(c.name) or c.name in _RESERVED:
            raise ValueError(f"{file}: column {c.name!r} cannot be a keyword argument")
    cells = []
    for c in columns:
        n = c.name
        if c.type == "datetime":
            cells.append(f"'' if {n} is None else iso({n})")
        elif c.type == "date":
            cells.append(f"'' if {n} is None else {n}.isoformat()")
        elif c.type == "boolean":
            cells.append(f"'' if {n} is None else ('true' if {n} else 'false')")
        else:
            cells.append(f"{n} if {n}.__class__ is str else ('' if {n} is None else str({n}))")
    src = (f"def {file}(*, {', '.join(f'{c.name}=None' for c in columns)}):\n"
           f"    writerow(({', '.join(cells)},))\n"
           f"    count()\n")
    scope = {"iso": iso, "writerow": writerow, "count": count}
    exec(src, scope)  # noqa: S102 - built from the spec's column names, checked above
    return scope[file]


class Sink:
    """Open CSV writers for every file of the spec, plus the ground truth."""

    def __init__(self, out_dir: Path):
        from vigil.ingest import spec

        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        (self.out_dir / TRUTH_DIR).mkdir(exist_ok=True)
        self.counts: Counter[str] = Counter()
        self._add = {}
        self._columns = {}
        self._writers = {}
        self._handles = []
        for fs in spec.FILES:
            fh = open(self.out_dir / fs.filename, "w", newline="", encoding="utf-8")  # noqa: SIM115
            self._handles.append(fh)
            writer = csv.writer(fh, lineterminator="\n")
            names = [c.name for c in fs.columns]
            writer.writerow(names)
            self._writers[fs.name] = writer
            self._columns[fs.name] = tuple(names)
            self._add[fs.name] = _row_function(fs.name, fs.columns, writer.writerow,
                                               partial(self._count, fs.name))
        fh = open(self.out_dir / TRUTH_DIR / TRUTH_FILE, "w", newline="", encoding="utf-8")  # noqa: SIM115
        self._handles.append(fh)
        self._truth = csv.writer(fh, lineterminator="\n")
        self._truth.writerow(TRUTH_COLUMNS)

    def _count(self, file: str) -> None:
        self.counts[file] += 1

    def add(self, file: str, **values) -> None:
        """One row; values by column name, formatted by the column's type."""
        self._add[file](**values)

    def bulk(self, file: str, names: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        """Rows of already formatted text, for the high-volume files."""
        columns = self._columns[file]
        if names != columns:
            unknown = set(names) - set(columns)
            if unknown:
                raise KeyError(f"{file}.csv has no column(s) {sorted(unknown)}")
            order = [names.index(n) if n in names else None for n in columns]
            rows = [tuple("" if j is None else r[j] for j in order) for r in rows]
        self._writers[file].writerows(rows)
        self.counts[file] += len(rows)

    def truth(self, source_system: str, source_id: str, true_person_id: int) -> None:
        self._truth.writerow((source_system, source_id, f"T{true_person_id:07d}"))

    def close(self) -> None:
        for fh in self._handles:
            fh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
