"""Stream a CSV export row by row, with the line number each row starts on.

Bytes are decoded one physical line at a time, so an invalid UTF-8 byte is
reported on its own line and the rest of the file is still checked.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

BOM = b"\xef\xbb\xbf"
# Free-text cells (narratives) may be long; the csv module's default cap is 128 KiB.
csv.field_size_limit(16 * 1024 * 1024)


@dataclass
class RawRow:
    line: int  # the physical line the row starts on (the header is line 1)
    cells: list[str]
    encoding_error: str = ""  # why a line of this row was not valid UTF-8
    csv_error: str = ""  # the row could not be split into cells


class _Lines:
    """Decoded physical lines; remembers decoding errors by line number."""

    def __init__(self, fh, on_bytes: Callable[[int], None] | None = None):
        self._fh = fh
        self._on_bytes = on_bytes
        self.number = 0
        self.errors: dict[int, str] = {}

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw = next(self._fh)
        self.number += 1
        if self._on_bytes:
            self._on_bytes(len(raw))
        if self.number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM):]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = raw[exc.start:exc.end]
            self.errors[self.number] = (
                f"invalid UTF-8: byte {bad.hex(' ')} at byte {exc.start + 1} of the line; "
                "save the file as UTF-8")
            return raw.decode("utf-8", errors="replace")


def read_rows(path: Path, on_bytes: Callable[[int], None] | None = None
              ) -> Iterator[RawRow]:
    """Yield the header, then each data row, as RawRows.

    Blank lines are skipped.
    """
    with open(path, "rb") as fh:
        lines = _Lines(fh, on_bytes)
        reader = csv.reader(lines, strict=True)
        last = 0
        while True:
            start = last + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                last = lines.number
                yield RawRow(start, [], csv_error=f"malformed CSV ({exc})")
                continue
            last = lines.number
            if not cells and start not in lines.errors:
                continue
            error = "; ".join(lines.errors.pop(n) for n in range(start, last + 1)
                              if n in lines.errors)
            yield RawRow(start, cells, error)
