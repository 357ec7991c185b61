"""MARAC's write path from the web app: referrals, IDVA referrals, hearings."""

from __future__ import annotations

from datetime import date

from vigil.core import records, roles
from vigil.core.models import Area
from vigil.marac.checks import CRITERIA, check_referral
from vigil.marac.models import MaracReferral
from vigil.people.models import SourceRecord


def refer(victim: SourceRecord, *, actor, lpa: Area, referred_on: date, criteria: set[str],
          risk_assessment=None, perpetrator: SourceRecord | None = None,
          idva_referred_on: date | None = None, context: str = "") -> MaracReferral:
    """Refer a victim to MARAC on the criteria met (at least one; the import's check)."""
    records.authorise(actor, roles.complete_task("marac"), [lpa.pk], what="marac.maracreferral")
    unknown = set(criteria) - set(CRITERIA)
    if unknown:
        raise records.RecordInvalid([("criteria", ", ".join(sorted(unknown)),
                                      "not a MARAC criterion")])
    referral = MaracReferral(victim=victim, perpetrator=perpetrator, lpa=lpa,
                             referred_on=referred_on, risk_assessment=risk_assessment,
                             idva_referred_on=idva_referred_on,
                             status=MaracReferral.Status.AWAITING,
                             **{c: c in criteria for c in CRITERIA})
    values = {f.name: getattr(referral, f.attname) for f in referral._meta.concrete_fields}
    return records.save(referral, actor=actor, person_ids={victim.person_id},
                        context=context,
                        problems=check_referral(values))


def record_idva_referral(referral: MaracReferral, *, actor, on: date,
                         context: str = "") -> MaracReferral:
    records.authorise(actor, roles.complete_task("marac"), [referral.lpa_id],
                      what="marac.maracreferral")
    referral.idva_referred_on = on
    return records.save(referral, actor=actor, person_ids={referral.victim.person_id},
                        context=context,
                        detail={"idva_referred_on": on.isoformat()})


def record_hearing(referral: MaracReferral, *, actor, heard_on: date,
                   context: str = "") -> MaracReferral:
    """The case was heard at MARAC on `heard_on`."""
    records.authorise(actor, roles.complete_task("marac"), [referral.lpa_id],
                      what="marac.maracreferral")
    referral.heard_on, referral.status = heard_on, MaracReferral.Status.HEARD
    values = {f.name: getattr(referral, f.attname) for f in referral._meta.concrete_fields}
    return records.save(referral, actor=actor, person_ids={referral.victim.person_id},
                        context=context,
                        problems=check_referral(values), detail={"heard_on": heard_on.isoformat()})
