"""Clare's Law's write path from the web app: the steps of an application and its decision."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from vigil.core import records, roles
from vigil.disclosure.models import DvdsApplication, DvdsStep


def record_step(application: DvdsApplication, *, actor, step: str, at: datetime,
                note: str = "", context: str = "") -> DvdsStep:
    """One step of an application; initial checks also date the application's checks."""
    records.authorise(actor, roles.complete_task("clares_law"), [application.lpa_id],
                      what="disclosure.dvdsstep")
    persons = {application.person_at_risk.person_id}
    with transaction.atomic():
        if step == DvdsStep.Step.INITIAL_CHECKS and application.initial_checks_at is None:
            application.initial_checks_at = at
            records.save(application, actor=actor, person_ids=(), context=context,
                         detail={"initial_checks_at": at.isoformat()})
        return records.save(
            DvdsStep(application=application, step=step, at=at,
                     by=records.actor_name(actor), note=note.strip()),
            actor=actor, person_ids=persons, as_of=at, context=context)


def record_decision(application: DvdsApplication, *, actor, decision: str, at: datetime,
                    note: str = "", context: str = "") -> DvdsStep:
    """The multi-agency decision (disclose, no disclosure, withdrawn) and its step."""
    records.authorise(actor, roles.complete_task("clares_law"), [application.lpa_id],
                      what="disclosure.dvdsapplication")
    if decision not in DvdsApplication.Decision.values:
        raise records.RecordInvalid([("decision", decision, "choose a decision")])
    with transaction.atomic():
        application.decision, application.decided_at = decision, at
        records.save(application, actor=actor, person_ids=(), context=context,
                     detail={"decision": decision})
        step = (DvdsStep.Step.CLOSED if decision == DvdsApplication.Decision.WITHDRAWN
                else DvdsStep.Step.MULTI_AGENCY)
        return records.save(
            DvdsStep(application=application, step=step, at=at,
                     by=records.actor_name(actor), note=note.strip()),
            actor=actor, person_ids={application.person_at_risk.person_id}, as_of=at,
            context=context)
