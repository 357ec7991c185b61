"""Checks on orders, shared by the import (vigil.ingest.checks) and orders.services.

Each takes the record's values, the referenced records' values (`refs`, e.g. the
subject's date of birth) and the import's column plans (unused here), fills its
computed fields, and returns problems as (field, value, reason).
"""

from __future__ import annotations

from datetime import date

from vigil.core.checks import Problem, age_on, as_date
from vigil.orders.models import NOTICE_TYPES, OrderType

NOTICE_CODES = {str(t) for t in NOTICE_TYPES}
ADULT_AGE = 18  # CSA 2010 s.24, DA Act 2021 s.22: notices only against adults
DAPN_PROTECTED_MIN_AGE = 16  # DA Act 2021 s.22: protected person is "personally connected", 16+


def order_reference_date(order: dict) -> date | None:
    """The day an order's ages are taken on: served/made, else starts, else applied."""
    for name in ("served_at", "made_on", "starts_on", "applied_at"):
        if order.get(name) is not None:
            return as_date(order[name])
    return None


def check_order(values, refs, plans=()) -> list[Problem]:
    out = []
    dob = refs["subject"]["date_of_birth"]
    when = order_reference_date(values)
    values["subject_age"] = age_on(dob, when) if dob and when else None
    if values["order_type"] in NOTICE_CODES:
        if values.get("served_at") is None:
            out.append(("served_at", "", f"a {values['order_type']} must have its service time"))
        elif dob is None:
            out.append(("subject", values["subject"],
                        f"a {values['order_type']} needs the subject's date of birth "
                        f"(subject must be {ADULT_AGE} or over)"))
        elif values["subject_age"] < ADULT_AGE:
            out.append(("subject", values["subject"],
                        f"the subject was {values['subject_age']} when the "
                        f"{values['order_type']} was served; it must be {ADULT_AGE} or over"))
    return out


def check_protected_person(values, refs, plans=()) -> list[Problem]:
    order = refs["order"]
    dob = refs["person"]["date_of_birth"]
    when = order_reference_date(order)
    values["age"] = age_on(dob, when) if dob and when else None
    if (order["order_type"] == OrderType.DAPN and values["age"] is not None
            and values["age"] < DAPN_PROTECTED_MIN_AGE):
        return [("person", values["person"],
                 f"the protected person was {values['age']}; a DAPN protects a person "
                 f"aged {DAPN_PROTECTED_MIN_AGE} or over")]
    return []
