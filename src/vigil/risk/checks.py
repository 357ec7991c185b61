"""Checks on risk assessments, shared by the import (vigil.ingest.checks) and risk.services."""

from __future__ import annotations

from vigil.core.checks import Problem
from vigil.risk.models import QUESTION_COUNT


def check_assessment(values, refs, plans, policy) -> list[Problem]:
    out = []
    yes = values["yes_count"]
    limit = QUESTION_COUNT[values["instrument"]]
    if yes > limit:
        out.append(("yes_count", yes, f"{values['instrument']} has only {limit} questions"))
        return out
    actuarial = policy.actuarial_level(yes)
    values["actuarial_level"] = actuarial
    # A level below the answers' level is a policy breach the supervisor must see, not a
    # reason to refuse the record (and with it the whole import): it is stored as
    # recorded and flagged. Vigil's own forms refuse to lower a level (services.supervise).
    values["below_answers_level"] = any(values[name] < actuarial
                                        for name in ("officer_level", "final_level"))
    if values["final_level"] > actuarial and not values.get("judgement_reason"):
        out.append(("judgement_reason", "",
                    f"final_level {values['final_level']} differs from the actuarial level "
                    f"{actuarial}: give the reason for the professional judgement"))
    return out


def check_answer(values, refs, plans=()) -> list[Problem]:
    question = values["question"]
    limit = QUESTION_COUNT[refs["assessment"]["instrument"]]
    if not 1 <= question <= limit:
        return [("question", question,
                 f"{refs['assessment']['instrument']} questions are numbered 1 to {limit}")]
    return []


def check_allocation(values, refs=None, plans=()) -> list[Problem]:
    """An allocation names its officer in charge, or (filed) the safeguarding in place."""
    route = values.get("route")
    if route == "filed" and not (values.get("safeguarding") or "").strip():
        return [("safeguarding", "", "a filed crime needs the safeguarding in place")]
    if route in ("lpa", "ppu") and not (values.get("officer_name") or "").strip():
        return [("officer_name", "", "an allocated crime needs its officer in charge")]
    return []
