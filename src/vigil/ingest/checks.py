"""Row invariants checked in Python before writing, so the message names the row.

The database constraints stay the backstop: anything missed here is still
refused at write time and reported against its row (see importer._write_batch).
Each check returns a list of (column, value, reason) and may fill computed fields.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

from django.db import models

from vigil.ingest.values import LONDON
from vigil.orders.models import NOTICE_TYPES, OrderType
from vigil.risk.models import QUESTION_COUNT

Problem = tuple[str, object, str]
NOTICE_CODES = {str(t) for t in NOTICE_TYPES}
ADULT_AGE = 18  # CSA 2010 s.24, DA Act 2021 s.22: notices only against adults
DAPN_PROTECTED_MIN_AGE = 16  # DA Act 2021 s.22: protected person is "personally connected", 16+


@cache
def date_orders(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    """(earlier, later) field pairs from the model's `date_order` constraints."""
    prefix = model._meta.model_name
    names = [f.name for f in model._meta.concrete_fields
             if isinstance(f, models.DateField | models.DateTimeField)]
    pairs = []
    for constraint in model._meta.constraints:
        for earlier in names:
            for later in names:
                if constraint.name == f"{prefix}_{later}_not_before_{earlier}":
                    pairs.append((earlier, later))
    return tuple(pairs)


def _comparable(value):
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def check_date_order(model, values: dict) -> list[Problem]:
    out = []
    for earlier, later in date_orders(model):
        a, b = values.get(earlier), values.get(later)
        if a is not None and b is not None and _comparable(b) < _comparable(a):
            out.append((later, b, f"{later} is before {earlier} ({a})"))
    return out


def age_on(dob: date, when: date) -> int:
    return when.year - dob.year - ((when.month, when.day) < (dob.month, dob.day))


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(LONDON).date()
    return value


def order_reference_date(order: dict) -> date | None:
    """The day an order's ages are taken on: served/made, else starts, else applied."""
    for name in ("served_at", "starts_on", "applied_at"):
        if order.get(name) is not None:
            return _as_date(order[name])
    return None


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


def _risk_assessments(values, refs, plans, policy) -> list[Problem]:
    out = []
    yes = values["yes_count"]
    limit = QUESTION_COUNT[values["instrument"]]
    if yes > limit:
        out.append(("yes_count", yes, f"{values['instrument']} has only {limit} questions"))
        return out
    actuarial = policy.actuarial_level(yes)
    values["actuarial_level"] = actuarial
    for name in ("officer_level", "final_level"):
        if values[name] < actuarial:
            out.append((name, values[name],
                        f"below the actuarial level {actuarial} for {yes} Yes answers; "
                        "professional judgement may raise a level, never lower it"))
    if values["final_level"] > actuarial and not values.get("judgement_reason"):
        out.append(("judgement_reason", "",
                    f"final_level {values['final_level']} differs from the actuarial level "
                    f"{actuarial}: give the reason for the professional judgement"))
    return out


def _risk_answers(values, refs, plans) -> list[Problem]:
    question = values["question"]
    limit = QUESTION_COUNT[refs["assessment"]["instrument"]]
    if not 1 <= question <= limit:
        return [("question", question,
                 f"{refs['assessment']['instrument']} questions are numbered 1 to {limit}")]
    return []


def _orders(values, refs, plans) -> list[Problem]:
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


def _order_protected_persons(values, refs, plans) -> list[Problem]:
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


def _marac_referrals(values, refs, plans) -> list[Problem]:
    out = []
    criteria = ("visible_high_risk", "professional_judgement", "potential_escalation",
                "repeat_referral")
    if not any(values.get(c) for c in criteria):
        out.append(("visible_high_risk", "",
                    f"a referral must meet at least one criterion: {', '.join(criteria)}"))
    if values.get("status") == "heard" and values.get("heard_on") is None:
        out.append(("heard_on", "", "a heard referral needs heard_on"))
    return out


def _marac_transfers(values, refs, plans) -> list[Problem]:
    if values.get("to_lpa") is None and not values.get("destination"):
        return [("destination", "", "give to_lpa, or the destination when out of the region")]
    return []


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


_BY_FILE = {
    "areas": _areas,
    "incident_parties": _incident_parties,
    "risk_answers": _risk_answers,
    "orders": _orders,
    "order_protected_persons": _order_protected_persons,
    "marac_referrals": _marac_referrals,
    "marac_transfers": _marac_transfers,
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
