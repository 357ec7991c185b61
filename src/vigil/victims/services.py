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


NEEDS = [
    ("emotional", "Emotional support"),
    ("safety", "Safety measures (for example an alarm or target hardening)"),
    ("special_measures", "Special measures at court"),
    ("communication", "An interpreter or communication support"),
    ("housing", "Housing"),
    ("children", "Support for children in the household"),
    ("health", "Physical or mental health"),
    ("none", "None identified"),
]
CONTACT_METHODS = [("phone", "Phone"), ("in_person", "In person"), ("email", "Email"),
                   ("letter", "Letter"), ("text", "Text message")]
CONTACT_EVERY = [(7, "Every week"), (14, "Every two weeks"), (28, "Every four weeks")]


def record_needs_assessment(victim: SourceRecord, crime: Crime, *, actor, at: datetime,
                            enhanced_rights: bool, needs: list[str],
                            context: str = "") -> VictimCare:
    """The victim's needs assessment (Victims' Code right 1 and 4): whether they are
    entitled to enhanced rights, and the support they need."""
    records.authorise(actor, roles.complete_task("victim_care"), [crime.lpa_id],
                      what="victims.victimcare")
    known = dict(NEEDS)
    problems = [("needs", n, "not a known need") for n in needs if n not in known]
    if not needs:
        problems.append(("needs", "", "select the victim's needs, or None identified"))
    if "none" in needs and len(needs) > 1:
        problems.append(("needs", ",".join(needs), "None identified cannot go with a need"))
    if enhanced_rights is None:
        problems.append(("enhanced_rights", "", "say whether the victim is entitled to "
                                                "enhanced rights"))
    if problems:
        raise records.RecordInvalid(problems)
    from django.db import transaction

    with transaction.atomic():
        care = care_for(victim, crime, actor=actor, context=context)
        care.needs_assessed_at, care.enhanced_rights = at, enhanced_rights
        care.needs = ",".join(n for n, _ in NEEDS if n in needs)
        return records.save(care, actor=actor, person_ids={victim.person_id}, as_of=at,
                            context=context, detail={"needs_assessed": True})


def record_contact_plan(victim: SourceRecord, crime: Crime, *, actor, at: datetime,
                        method: str, every_days: int, plan: str = "",
                        context: str = "") -> VictimCare:
    """How and how often the victim wants to hear about their case."""
    records.authorise(actor, roles.complete_task("victim_care"), [crime.lpa_id],
                      what="victims.victimcare")
    problems = []
    if method not in dict(CONTACT_METHODS):
        problems.append(("contact_method", method, "choose how the victim wants updates"))
    if every_days not in dict(CONTACT_EVERY):
        problems.append(("contact_every_days", every_days,
                         "choose how often the victim wants updates"))
    if problems:
        raise records.RecordInvalid(problems)
    from django.db import transaction

    with transaction.atomic():
        care = care_for(victim, crime, actor=actor, context=context)
        care.contact_method, care.contact_every_days = method, every_days
        how = dict(CONTACT_METHODS)[method].lower()
        care.contact_plan = (plan.strip() or f"By {how}, "
                             f"{dict(CONTACT_EVERY)[every_days].lower()}")[:200]
        care.contact_plan_at = at
        return records.save(care, actor=actor, person_ids={victim.person_id}, as_of=at,
                            context=context, detail={"contact_plan": True})
