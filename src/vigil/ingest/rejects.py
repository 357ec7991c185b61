"""The reject report: every bad row, by file, line, column, value and reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vigil.core.exports import write_csv

MAX_REJECTS = 1000
MAX_VALUE_CHARS = 80


@dataclass(frozen=True)
class Reject:
    file: str
    line: int | None  # None for a problem with the file or folder itself
    column: str
    value: str
    reason: str


@dataclass
class RejectReport:
    """Keeps the first `cap` rejects and counts the rest."""

    cap: int = MAX_REJECTS
    rejects: list[Reject] = field(default_factory=list)
    total: int = 0

    def add(self, file: str, line: int | None, column: str, value, reason: str) -> None:
        self.total += 1
        if len(self.rejects) < self.cap:
            text = "" if value is None else str(value)
            if len(text) > MAX_VALUE_CHARS:
                text = text[:MAX_VALUE_CHARS - 3] + "..."
            self.rejects.append(Reject(file, line, column, text, reason))

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def omitted(self) -> int:
        return self.total - len(self.rejects)

    def sorted(self) -> list[Reject]:
        """In import order, so a rejected row comes before the rows referring to it."""
        from vigil.ingest.spec import FILES

        order = {s.filename: i for i, s in enumerate(FILES)}
        return sorted(self.rejects,
                      key=lambda r: (order.get(r.file, -1), r.file, r.line or 0, r.column))

    def write_csv(self, path: Path) -> None:
        # Rejected values are exactly the untrusted ones: made inert for spreadsheets.
        rows = [["file", "line", "column", "value", "reason"]]
        rows += [[r.file, "" if r.line is None else r.line, r.column, r.value, r.reason]
                 for r in self.sorted()]
        if self.omitted:
            rows.append(["", "", "", "", f"... and {self.omitted} more bad rows"])
        with open(path, "w", newline="", encoding="utf-8") as fh:
            write_csv(fh, rows)

    def table(self, limit: int = 50) -> str:
        rows = [("file", "line", "column", "value", "reason")]
        rows += [(r.file, "" if r.line is None else str(r.line), r.column, r.value, r.reason)
                 for r in self.sorted()[:limit]]
        widths = [min(max(len(row[i]) for row in rows), 40) for i in range(4)]
        lines = []
        for row in rows:
            cells = [row[i][:widths[i]].ljust(widths[i]) for i in range(4)]
            lines.append("  ".join(cells + [row[4]]))
        hidden = self.total - min(limit, len(self.rejects))
        if hidden:
            lines.append(f"... and {hidden} more (see the reject report file)")
        return "\n".join(lines)
