"""The KPI catalogue: one SQL file per measure, with a header that documents it.

Every query returns rows of (month, lpa_id, num, den). Counts leave `den` empty; ratios
and means give both parts, so any period or area is the sum of the parts, never an
average of averages. Stock measures ("aggregate: last") are counted at each month end and
a period takes its last month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

KPI_DIR = Path(__file__).parent / "kpis"
HEADER_KEYS = ("id", "title", "definition", "unit", "better", "aggregate", "policy",
               "breakdowns", "series_break", "commitment", "seed")
UNITS = {"count": 1, "percent": 100, "per100": 100, "days": 1, "rate": 1}
UNIT_LABELS = {"count": "number", "percent": "%", "per100": "per 100", "days": "days",
               "rate": "per 10,000 a year"}
BETTER = ("higher", "lower", "neutral")
AGGREGATES = ("sum", "last")
HEADER_LINE = re.compile(r"^--\s*([a-z_]+):\s*(.*)$")


class CatalogueError(ValueError):
    """A user-facing error with a message naming what was wrong."""


@dataclass(frozen=True)
class Kpi:
    id: str
    title: str
    definition: str
    unit: str
    better: str
    aggregate: str
    policy: str
    breakdowns: tuple[str, ...]
    series_break: str
    commitment: str
    seed: str
    sql: str
    path: Path

    @property
    def scale(self) -> int:
        return UNITS[self.unit]

    @property
    def is_ratio(self) -> bool:
        return self.unit != "count"

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS[self.unit]

    def value(self, num: float, den: float | None) -> float | None:
        if not self.is_ratio:
            return float(num)
        if not den:
            return None
        return float(num) / float(den) * self.scale


def parse(path: Path) -> Kpi:
    text = path.read_text(encoding="utf-8")
    header, body = {}, []
    for line in text.splitlines():
        match = HEADER_LINE.match(line) if not body else None
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif line.strip() or body:
            body.append(line)
    missing = [k for k in HEADER_KEYS if not header.get(k)]
    if missing:
        raise CatalogueError(f"{path.name}: header lacks {', '.join(missing)}")
    if header["id"] != path.stem:
        raise CatalogueError(f"{path.name}: id {header['id']!r} differs from the file name")
    for key, allowed in (("unit", UNITS), ("better", BETTER), ("aggregate", AGGREGATES)):
        if header[key] not in allowed:
            raise CatalogueError(f"{path.name}: {key} {header[key]!r} is not one of "
                                 f"{', '.join(allowed)}")
    return Kpi(
        id=header["id"], title=header["title"], definition=header["definition"],
        unit=header["unit"], better=header["better"], aggregate=header["aggregate"],
        policy=header["policy"],
        breakdowns=tuple(b.strip() for b in header["breakdowns"].split(",")),
        series_break=header["series_break"], commitment=header["commitment"],
        seed=header["seed"], sql="\n".join(body).strip(), path=path)


@lru_cache(maxsize=1)
def load_all() -> tuple[Kpi, ...]:
    return tuple(parse(p) for p in sorted(KPI_DIR.glob("*.sql")))


@lru_cache(maxsize=1)
def by_id() -> dict[str, Kpi]:
    return {k.id: k for k in load_all()}


def get(kpi_id: str) -> Kpi:
    kpis = by_id()
    if kpi_id not in kpis:
        raise CatalogueError(f"unknown KPI {kpi_id!r}; see docs/kpis.md for the catalogue")
    return kpis[kpi_id]


def markdown() -> str:
    """docs/kpis.md, generated from the SQL headers (a test checks it is current)."""
    lines = [
        "# KPI catalogue",
        "",
        "Generated from `src/vigil/analytics/kpis/*.sql` by "
        "`python -m vigil.analytics.docs`; do not edit by hand.",
        "",
        "Each measure is one SQL file over the pseudonymised snapshot. It returns a numerator "
        "and (for rates and means) a denominator per month and LPA, so quarters, years to "
        "date and the force total are sums of the parts. Months follow Europe/London time; "
        "the financial year runs April to March.",
        "",
        "| id | measure | unit | better | commitment |",
        "|---|---|---|---|---|",
    ]
    kpis = load_all()
    lines += [f"| [`{k.id}`](#{k.id.replace('_', '-')}) | {k.title} | {k.unit_label} | "
              f"{k.better} | {k.commitment} |" for k in kpis]
    for k in kpis:
        lines += [
            "", f"## {k.id}", "", f"**{k.title}.** {k.definition}", "",
            f"- Unit: {k.unit_label}; better: {k.better}; "
            f"{'stock at month end' if k.aggregate == 'last' else 'flow, summed over periods'}",
            f"- Policy: {k.policy}",
            f"- Breakdowns: {', '.join(k.breakdowns)}",
            f"- Series break: {k.series_break}",
            f"- Commitment: {k.commitment}",
            f"- Answers: {k.seed}",
            f"- SQL: `src/vigil/analytics/kpis/{k.path.name}`",
        ]
    return "\n".join(lines) + "\n"
