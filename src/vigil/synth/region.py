"""Read a generated region (`vigil generate --forces N`): every force's person records
with an id unique across the region and their true person, for linking the region as
one person index and scoring it against the truth."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from vigil.synth.writer import TRUTH_DIR, TRUTH_FILE

PERSON_FIELDS = ("forename", "surname", "date_of_birth", "sex", "postcode", "address",
                 "phone")


def force_dirs(region: Path) -> list[Path]:
    """force1, force2, ... in order (a single force's folder is a region of one)."""
    region = Path(region)
    found = sorted((p for p in region.glob("force*") if (p / "persons.csv").exists()),
                   key=lambda p: int(p.name.removeprefix("force") or 0))
    return found or [region]


def person_records(region: Path) -> Iterator[dict]:
    """One dict per person record: id (1, 2, ... across the region), force (folder name),
    source (SYSTEM:ID in that force), truth (the true person id) and PERSON_FIELDS."""
    next_id = 1
    for folder in force_dirs(region):
        with open(folder / TRUTH_DIR / TRUTH_FILE, encoding="utf-8") as fh:
            truth = {(r["source_system"], r["source_id"]): r["true_person_id"]
                     for r in csv.DictReader(fh)}
        with open(folder / "persons.csv", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                yield {"id": next_id, "force": folder.name,
                       "source": f"{r['source_system']}:{r['source_id']}",
                       "truth": truth[(r["source_system"], r["source_id"])],
                       **{f: r.get(f, "") or "" for f in PERSON_FIELDS}}
                next_id += 1


def cross_force_people(records: list[dict]) -> dict[str, set[str]]:
    """True person id -> the forces holding a record of them, for people in two or more."""
    forces: dict[str, set[str]] = {}
    for r in records:
        forces.setdefault(r["truth"], set()).add(r["force"])
    return {t: f for t, f in forces.items() if len(f) > 1}
