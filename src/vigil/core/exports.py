"""Spreadsheet cells that cannot attack their reader (CSV and formula injection).

A spreadsheet treats a cell beginning with =, +, -, @, a tab or a carriage return
as a formula, so a name such as `=HYPERLINK(...)` in a source export would run when
an analyst opens a download. Every CSV and XLSX Vigil writes passes its cells
through `safe_cell` (or writes rows with `safe_row`/`write_csv`/`xlsx_workbook`),
which prefixes such text with an apostrophe: spreadsheets show it as text, and
a person reading the file sees the value unchanged after the apostrophe.

Numbers, dates and None are left as they are: only text can carry a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would run made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def write_csv(fh, rows: Iterable[Iterable[Any]], **writer_options) -> None:
    """Write rows to an open text file with every cell made safe."""
    out = csv.writer(fh, **writer_options)
    for row in rows:
        out.writerow(safe_row(row))


def xlsx_workbook(target, options: dict | None = None):
    """An xlsxwriter Workbook whose worksheets never write text as a formula.

    Besides the Workbook option that stops xlsxwriter itself turning '=...' into a
    formula, each worksheet's write/write_row/write_column pass text through
    safe_cell, so the cell stays inert if the reader re-saves the sheet as CSV.
    """
    import xlsxwriter

    wb = xlsxwriter.Workbook(target, {**(options or {}), "strings_to_formulas": False})
    add_worksheet = wb.add_worksheet

    def _add_worksheet(*args, **kwargs):
        ws = add_worksheet(*args, **kwargs)
        _make_safe(ws)
        return ws

    wb.add_worksheet = _add_worksheet
    return wb


def _make_safe(ws) -> None:
    """Wrap the worksheet's writers; cells come as (row, col, data) or ("A1", data)."""

    def wrap(method, clean):
        def safe(*args):
            at = 1 if isinstance(args[0], str) else 2  # A1 notation takes one place
            if len(args) > at:
                args = (*args[:at], clean(args[at]), *args[at + 1:])
            return method(*args)
        return safe

    ws.write = wrap(ws.write, safe_cell)
    ws.write_string = wrap(ws.write_string, safe_cell)
    ws.write_row = wrap(ws.write_row, safe_row)
    ws.write_column = wrap(ws.write_column, safe_row)
