"""Checks on outcomes and outcome codes, shared by the import and anything else that
writes them (core.checks conventions: each returns a list of (column, value, reason)).

- A crime has one outcome: a second outcome (another source key) for the same crime is
  refused, naming the outcome it already has; a later change comes as a new version of
  that outcome's own row, and the earlier code and date are kept (OutcomeChange).
- Local sub-codes (WMP breaks 15 and 16 down further) are reference data: each names the
  Home Office code it breaks down, which must itself be a Home Office code.
"""

from __future__ import annotations

from django.utils import timezone

from vigil.core.checks import Problem


def check_outcome_code(values: dict, refs: dict) -> list[Problem]:
    """One row of outcome_codes.csv: a local sub-code and its Home Office parent."""
    from vigil.incidents.models import OutcomeCode

    code = values.get("code")
    parent = values.get("parent")
    if parent is None:
        if code and OutcomeCode.objects.filter(code=code, parent__isnull=True).exists():
            return []  # a Home Office code already held: the row restates it
        return [("parent", "", "a local sub-code needs the Home Office code it breaks down "
                 "(e.g. 15 for 15A); the Home Office codes 1-22 are built in")]
    info = refs.get("parent") or {}
    if info.get("parent_id") is not None:
        return [("parent", parent, f"{parent} is itself a local sub-code; name the Home "
                 "Office code it breaks down")]
    return []


def second_outcomes(rows: list[tuple[int, tuple[str, str]]],
                    seen: dict[int, tuple[str, str]]) -> dict[int, str]:
    """The reason each outcome row is refused for being a crime's second outcome.

    `rows` are (crime id, (source system, source id)) for one batch, in file order;
    `seen` maps crime id -> the key of the outcome given for it earlier in the same file
    (updated here). Returns {index in rows: reason}.
    """
    from vigil.incidents.models import Outcome

    crime_ids = {crime for crime, _ in rows}
    held = {o["crime_id"]: o for o in Outcome.objects.filter(crime_id__in=crime_ids).values(
        "crime_id", "source_system", "source_id", "code__code", "outcome_at")}
    out = {}
    for i, (crime, key) in enumerate(rows):
        earlier = seen.get(crime)
        if earlier is not None and earlier != key:
            out[i] = (f"the crime already has an outcome earlier in this file "
                      f"({':'.join(earlier)}); a crime has one outcome")
            continue
        stored = held.get(crime)
        if stored is not None and (stored["source_system"], stored["source_id"]) != key:
            when = timezone.localtime(stored["outcome_at"])
            out[i] = (f"the crime already has outcome {stored['code__code']} "
                      f"({stored['source_system']}:{stored['source_id']}, {when:%d %B %Y}); "
                      "a crime has one outcome: send a change as that outcome's own row")
            continue
        seen[crime] = key
    return out
