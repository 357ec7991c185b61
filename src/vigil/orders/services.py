"""Orders' write path from the web app: weekly checks, the subject's notification, hearings.

Each function checks with the import's checks, stores the record (new ones under the
source system VIGIL), audits it and lets the rules answer, in one transaction
(vigil.core.records.save).
"""

from __future__ import annotations

from datetime import datetime

from vigil.core import records, roles
from vigil.orders.models import OrderCheck, ProtectiveOrder


def _persons(order: ProtectiveOrder) -> set:
    return {order.subject.person_id,
            *order.protected_persons.values_list("person__person_id", flat=True)}


def record_order_check(order: ProtectiveOrder, *, actor, checked_at: datetime,
                       victim_contacted: bool, subject_checked: bool, breach_found: bool,
                       notes: str = "", context: str = "") -> OrderCheck:
    """The weekly check of victim and subject while a DVPN/DVPO is live."""
    records.authorise(actor, roles.complete_task("local_policing"), [order.lpa_id],
                      what="orders.ordercheck")
    check = OrderCheck(order=order, checked_at=checked_at, checked_by=records.actor_name(actor),
                       victim_contacted=victim_contacted, subject_checked=subject_checked,
                       breach_found=breach_found, notes=notes.strip())
    problems = []
    if order.served_at and checked_at < order.served_at:
        problems.append(("checked_at", checked_at, "the check is before the order was served"))
    return records.save(check, actor=actor, person_ids=_persons(order), as_of=checked_at,
                        context=context, problems=problems)


def record_notification(order: ProtectiveOrder, *, actor, notified_at: datetime,
                        context: str = "") -> ProtectiveOrder:
    """The subject notified their name and address (DAPO, SPO)."""
    records.authorise(actor, roles.complete_task("civil_orders"), [order.lpa_id],
                      what="orders.protectiveorder")
    order.notified_at = notified_at
    return records.save(order, actor=actor, person_ids=_persons(order), as_of=notified_at,
                        context=context, detail={"notified_at": notified_at.isoformat()})

