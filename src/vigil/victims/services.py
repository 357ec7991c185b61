"""Victim care's write path from the web app: Victims' Code updates and support referrals."""

from __future__ import annotations

from datetime import datetime

from vigil.core import records, roles
from vigil.incidents.models import Crime
from vigil.people.models import SourceRecord
from vigil.victims.models import VictimCare, VictimUpdate


def care_for(victim: SourceRecord, crime: Crime, *, actor, context: str = "") -> VictimCare:
    """The victim's Victims' Code record for a crime, made in Vigil when none exists yet."""
    care = VictimCare.objects.filter(victim__person_id=victim.person_id, crime=crime).first()
    if care is None:
        care = records.save(VictimCare(victim=victim, crime=crime), actor=actor, person_ids=(),
                            context=context)
    return care


def record_victim_update(victim: SourceRecord, crime: Crime, *, actor, reason: str,
                         told_at: datetime, event_at: datetime | None = None,
                         method: str = "", context: str = "") -> VictimUpdate:
    """The victim was told of an event in their case (or given their regular update)."""
    records.authorise(actor, roles.complete_task("victim_care"), [crime.lpa_id],
                      what="victims.victimupdate")
    from django.db import transaction

    with transaction.atomic():
        care = care_for(victim, crime, actor=actor, context=context)
        update = VictimUpdate(care=care, reason=reason, event_at=event_at, told_at=told_at,
                              method=method)
        return records.save(update, actor=actor, person_ids={victim.person_id}, as_of=told_at,
                            context=context)


def record_support_referral(victim: SourceRecord, crime: Crime, *, actor, referred_at: datetime,
                            service: str, context: str = "") -> VictimCare:
    """The victim was referred to a support service (Victims' Code right 4)."""
    records.authorise(actor, roles.complete_task("victim_care"), [crime.lpa_id],
                      what="victims.victimcare")
    from django.db import transaction

    with transaction.atomic():
        care = care_for(victim, crime, actor=actor, context=context)
        care.support_referred_at, care.support_service = referred_at, service
        problems = [] if service.strip() else [("support_service", "", "name the service")]
        return records.save(care, actor=actor, person_ids={victim.person_id},
                            as_of=referred_at, context=context, problems=problems)
