"""Checks on MARAC records, shared by the import (vigil.ingest.checks) and marac.services."""

from __future__ import annotations

from vigil.core.checks import Problem

CRITERIA = ("visible_high_risk", "professional_judgement", "potential_escalation",
            "repeat_referral")


def check_referral(values, refs=None, plans=()) -> list[Problem]:
    out = []
    if not any(values.get(c) for c in CRITERIA):
        out.append(("visible_high_risk", "",
                    f"a referral must meet at least one criterion: {', '.join(CRITERIA)}"))
    if values.get("status") == "heard" and values.get("heard_on") is None:
        out.append(("heard_on", "", "a heard referral needs heard_on"))
    if values.get("withdrawn_on") is not None and values.get("status") != "withdrawn":
        out.append(("withdrawn_on", str(values["withdrawn_on"]),
                    f"only a withdrawn referral has withdrawn_on (status is "
                    f"{values.get('status') or 'empty'})"))
    return out


def check_transfer(values, refs=None, plans=()) -> list[Problem]:
    out = []
    to_lpa, from_lpa = values.get("to_lpa"), values.get("from_lpa")
    if to_lpa is None and not values.get("destination"):
        out.append(("destination", "", "give to_lpa, or the destination when out of the region"))
    if from_lpa is None and not values.get("origin"):
        out.append(("origin", "", "give from_lpa, or the origin when from outside the region"))
    if to_lpa is not None and to_lpa == from_lpa:
        out.append(("to_lpa", str(to_lpa), "a transfer to the LPA the case is already in"))
    return out


def check_action(values, refs=None, plans=()) -> list[Problem]:
    if not (values.get("agency") or "").strip():
        return [("agency", "", "an action needs an owning agency")]
    return []
