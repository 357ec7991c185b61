"""Small export folders written by the tests themselves."""

from __future__ import annotations

import csv
from pathlib import Path


def write_csv(folder: Path, name: str, rows: list[dict], header: list[str] | None = None
              ) -> Path:
    """Write rows (dicts) as <name>.csv; the header is the union of keys, in order."""
    if header is None:
        header = []
        for row in rows:
            header += [k for k in row if k not in header]
    path = folder / f"{name}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=header)
        out.writeheader()
        for row in rows:
            out.writerow(row)
    return path


def answers(assessment: str, yes: int, instrument_questions: int = 27) -> list[dict]:
    return [{"assessment": assessment, "question": q, "answer": "Y" if q <= yes else "N"}
            for q in range(1, instrument_questions + 1)]


def base_rows() -> dict[str, list[dict]]:
    """A small, valid force: areas, three persons, an incident, a crime, an assessment, orders."""
    return {
        "areas": [
            {"code": "WMP", "name": "West Midlands Police", "kind": "force", "parent": ""},
            {"code": "BHM", "name": "Birmingham", "kind": "lpa", "parent": "WMP",
             "adult_women": "470000"},
            {"code": "BHM-N1", "name": "Aston", "kind": "neighbourhood", "parent": "BHM"},
        ],
        "schools": [
            {"urn": "100001", "name": "Aston Primary", "phase": "primary",
             "local_authority": "BHM"},
        ],
        "persons": [
            {"source_system": "CONNECT", "source_id": "P1", "forename": "Jane",
             "surname": "Smith", "date_of_birth": "1990-01-01", "sex": "F",
             "postcode": "B6 4AA"},
            {"source_system": "CONNECT", "source_id": "P2", "forename": "John",
             "surname": "Brown", "date_of_birth": "1985-06-15", "sex": "M",
             "postcode": "B6 4AA"},
            {"source_system": "CONNECT", "source_id": "P3", "forename": "Amy",
             "surname": "Brown", "date_of_birth": "2016-09-01", "sex": "F",
             "postcode": "B6 4AA"},
        ],
        "incidents": [
            {"source_system": "CONTROL", "source_id": "I1", "reference": "LOG-1",
             "reported_at": "2025-04-01T21:10:00", "grade": "immediate",
             "arrived_at": "2025-04-01T21:25:00", "lpa": "BHM", "neighbourhood": "BHM-N1"},
        ],
        "incident_parties": [
            {"incident": "CONTROL:I1", "person": "CONNECT:P1", "role": "victim"},
            {"incident": "CONTROL:I1", "person": "CONNECT:P2", "role": "suspect",
             "relationship": "intimate_partner"},
            {"incident": "CONTROL:I1", "person": "CONNECT:P3", "role": "child",
             "school": "100001", "present": "true"},
        ],
        "crimes": [
            {"source_system": "CONNECT", "source_id": "C1", "reference": "20/1/25",
             "incident": "CONTROL:I1", "recorded_at": "2025-04-02T09:00:00",
             "committed_at": "2025-04-01T21:00:00", "offence_group": "violence_with_injury",
             "offence": "ABH", "is_domestic_abuse": "true", "lpa": "BHM"},
        ],
        "crime_parties": [
            {"crime": "CONNECT:C1", "person": "CONNECT:P1", "role": "victim"},
            {"crime": "CONNECT:C1", "person": "CONNECT:P2", "role": "suspect",
             "relationship": "intimate_partner"},
        ],
        "outcomes": [
            {"source_system": "CONNECT", "source_id": "OC1", "crime": "CONNECT:C1",
             "code": "16", "outcome_at": "2025-06-01T12:00:00", "suspect": "CONNECT:P2"},
        ],
        "risk_assessments": [
            {"source_system": "CONNECT", "source_id": "RA1", "instrument": "DASH27",
             "victim": "CONNECT:P1", "incident": "CONTROL:I1", "crime": "CONNECT:C1",
             "assessed_at": "2025-04-01T22:00:00", "officer": "PC 1", "yes_count": "14",
             "officer_level": "3", "final_level": "3", "final_set_by": "PS 2"},
        ],
        "risk_answers": answers("CONNECT:RA1", 14),
        "orders": [
            {"source_system": "CONNECT", "source_id": "O1", "order_type": "DVPN",
             "subject": "CONNECT:P2", "lpa": "BHM", "served_at": "2025-04-02T10:00:00",
             "status": "expired", "authorised_by": "Supt X"},
            {"source_system": "CONNECT", "source_id": "O2", "order_type": "DVPO",
             "subject": "CONNECT:P2", "lpa": "BHM", "follows": "CONNECT:O1",
             "served_at": "2025-04-03T15:00:00", "starts_on": "2025-04-03",
             "ends_on": "2025-04-30", "status": "live", "court": "Birmingham MC"},
        ],
        "order_conditions": [
            {"order": "CONNECT:O2", "number": "1", "kind": "no_contact",
             "text": "Not to contact Jane Smith"},
        ],
        "order_protected_persons": [
            {"order": "CONNECT:O2", "person": "CONNECT:P1"},
        ],
    }


def write_export(folder: Path, rows: dict[str, list[dict]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, file_rows in (base_rows() if rows is None else rows).items():
        write_csv(folder, name, file_rows)
    return folder
