"""Row invariants checked in Python before writing, so the message names the row.

The per-entity checks live with their apps (orders.checks, marac.checks, risk.checks,
disclosure.checks)
and the web app's services call the same functions (core.checks, core.records).

The database constraints stay the backstop: anything missed here is still
refused at write time and reported against its row (see importer._write_batch).
Each check returns a list of (column, value, reason) and may fill computed fields.
"""

from __future__ import annotations

from vigil.core.checks import (  # noqa: F401  (the importer's names, kept)
    Problem,
    age_on,
    check_date_order,
    date_orders,
)
from vigil.core.checks import as_date as _as_date  # noqa: F401
from vigil.disclosure.checks import check_application as _dvds_applications
from vigil.incidents.checks import check_outcome_code
from vigil.marac.checks import check_action as _marac_actions
from vigil.marac.checks import check_referral as _marac_referrals
from vigil.marac.checks import check_transfer as _marac_transfers
from vigil.orders.checks import (  # noqa: F401
    ADULT_AGE,
    DAPN_PROTECTED_MIN_AGE,
    NOTICE_CODES,
    order_reference_date,
)
from vigil.orders.checks import check_order as _orders
from vigil.orders.checks import check_protected_person as _order_protected_persons
from vigil.risk.checks import check_allocation as _risk_allocations
from vigil.risk.checks import check_answer as _risk_answers
from vigil.risk.checks import check_assessment as _risk_assessments


def _areas(values, refs, plans) -> list[Problem]:
    if values.get("kind") == "force" and values.get("parent") is not None:
        return [("parent", values["parent"], "the force has no parent area")]
    return []


def _incident_parties(values, refs, plans) -> list[Problem]:
    if values.get("role") == "child":
        return []
    out = []
    if values.get("school") is not None:
        out.append(("school", values["school"], "a school is recorded only for a child"))
    if values.get("home_educated"):
        out.append(("home_educated", "true", "home_educated applies only to a child"))
    return out


def _area_kinds(values, refs, plans) -> list[Problem]:
    """Area codes must name an area of the kind the field allows (an LPA, a neighbourhood)."""
    out = []
    for plan in plans:
        if plan.col.target != "core.Area" or values.get(plan.col.name) is None:
            continue
        allowed = plan.field.remote_field.limit_choices_to
        kind = allowed.get("kind") if isinstance(allowed, dict) else None
        actual = refs[plan.col.name].get("kind")
        if kind and actual != kind:
            out.append((plan.col.name, values[plan.col.name],
                        f"must be an area of kind {kind}, not {actual}"))
    return out


def _outcome_codes(values, refs, plans) -> list[Problem]:
    return check_outcome_code(values, refs)


def _outcomes(values, refs, plans) -> list[Problem]:
    # One outcome per crime needs the batch and the store: the importer checks it per
    # batch (incidents.checks.second_outcomes). Listed here so outcomes go the per-row
    # way, which also keeps an outcome's history when a later export changes it.
    return []


_BY_FILE = {
    "outcome_codes": _outcome_codes,
    "outcomes": _outcomes,
    "areas": _areas,
    "incident_parties": _incident_parties,
    "risk_answers": _risk_answers,
    "allocations": _risk_allocations,
    "orders": _orders,
    "order_protected_persons": _order_protected_persons,
    "marac_referrals": _marac_referrals,
    "marac_transfers": _marac_transfers,
    "marac_actions": _marac_actions,
    "dvds_applications": _dvds_applications,
}


def check_row(spec, values: dict, refs: dict, plans, policy) -> list[Problem]:
    """All problems with one parsed, resolved row; fills its computed fields."""
    out = _area_kinds(values, refs, plans)
    if spec.name == "risk_assessments":
        out += _risk_assessments(values, refs, plans, policy)
    elif spec.name in _BY_FILE:
        out += _BY_FILE[spec.name](values, refs, plans)
    out += check_date_order(spec.model, values)
    return out
