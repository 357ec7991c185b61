"""Risk's write path from the web app: the QA dip-sample review of an assessment."""

from __future__ import annotations

from datetime import datetime

from vigil.core import records, roles
from vigil.core.models import User
from vigil.incidents.models import Crime
from vigil.risk.checks import check_allocation
from vigil.risk.models import Allocation, DipSampleReview, RiskAssessment, RiskLevel


def assessment_lpa(assessment: RiskAssessment) -> int | None:
    source = assessment.incident or assessment.crime
    return source.lpa_id if source else None


def record_dip_sample_review(assessment: RiskAssessment, *, actor, reviewed_at: datetime,
                             agrees: bool, proposed_level: int | None = None, reason: str = "",
                             context: str = "") -> DipSampleReview:
    """Agree or disagree with a dip-sampled assessment's level; a disagreement says why."""
    records.authorise(actor, roles.complete_task("referral_allocation"),
                      [assessment_lpa(assessment)], what="risk.dipsamplereview")
    reason = reason.strip()
    problems = []
    if not agrees:
        if proposed_level is None:
            problems.append(("proposed_level", "", "choose the level you would have given"))
        elif proposed_level == assessment.final_level:
            problems.append(("proposed_level", proposed_level,
                             "that is the assessment's own level: choose a different one"))
        if not reason:
            problems.append(("reason", "", "say why you disagree"))
    review = DipSampleReview(assessment=assessment, reviewed_at=reviewed_at,
                             reviewer=records.actor_name(actor), agrees=agrees,
                             proposed_level=None if agrees else proposed_level,
                             reason="" if agrees else reason)
    return records.save(review, actor=actor, person_ids={assessment.victim.person_id},
                        as_of=reviewed_at, context=context, problems=problems)


def supervise(assessment: RiskAssessment, *, actor, at: datetime, level: int,
              reason: str = "", context: str = "") -> RiskAssessment:
    """The R&A sergeant's supervision of an assessment: their level, which may raise the
    final level (professional judgement, with the reason), never lower it."""
    from vigil.core.policy import current
    from vigil.risk.checks import check_assessment

    records.authorise(actor, roles.complete_task("referral_allocation"),
                      [assessment_lpa(assessment)], what="risk.riskassessment")
    assessment.supervisor, assessment.supervised_at = records.actor_name(actor), at
    assessment.supervisor_level = level
    problems = []
    actuarial = current().actuarial_level(assessment.yes_count)
    if level < actuarial:
        problems.append(("supervisor_level", level, f"{assessment.yes_count} Yes answers give "
                         f"{RiskLevel(actuarial).label.lower()} risk: supervision may raise "
                         "a level, never set it below the answers' level"))
    elif level < assessment.final_level:
        problems.append(("supervisor_level", level, "the final level is "
                         f"{assessment.get_final_level_display().lower()}: supervision may "
                         "raise a level, never lower it"))
    elif level > assessment.final_level:
        assessment.final_level, assessment.final_set_by = level, assessment.supervisor
        assessment.judgement_reason = reason.strip()
    values = {f.name: getattr(assessment, f.attname) for f in assessment._meta.concrete_fields}
    problems += check_assessment(values, {}, (), current())
    return records.save(assessment, actor=actor, person_ids={assessment.victim.person_id},
                        as_of=at, context=context, problems=problems,
                        detail={"supervisor_level": level})


def officers_for(route: str, lpa_id: int | None):
    """The officers who may be in charge on a route: those who work its team's queue and
    whose area covers the crime (none for a filed crime)."""
    team = Allocation.TEAMS.get(route)
    if team is None:
        return User.objects.none()
    ok = [u.pk for u in User.objects.filter(is_active=True).order_by("last_name", "username")
          if roles.can(u, roles.complete_task(team)) and roles.in_scope(u, [lpa_id])]
    return User.objects.filter(pk__in=ok).order_by("last_name", "first_name", "username")


def allocate(crime: Crime, *, actor, at: datetime, route: str, officer=None,
             safeguarding: str = "", reason: str = "", context: str = "") -> Allocation:
    """R&A allocates a crime: to the LPA or the PPU with the officer in charge, or filed
    with the safeguarding in place. An officer outside the chosen team is refused."""
    records.authorise(actor, roles.complete_task("referral_allocation"), [crime.lpa_id],
                      what="risk.allocation")
    problems = []
    if Allocation.objects.filter(crime=crime).exists():
        problems.append(("crime", crime.reference, "this crime is already allocated"))
    if route not in Allocation.Route.values:
        problems.append(("route", route, "choose the LPA, the PPU or filed"))
    safeguarding, reason = (safeguarding or "").strip(), (reason or "").strip()
    if route == Allocation.Route.FILED:
        officer = None
    elif route in Allocation.TEAMS:
        if officer is None:
            problems.append(("officer_in_charge", "", "choose the officer in charge"))
        elif not officers_for(route, crime.lpa_id).filter(pk=officer.pk).exists():
            problems.append(("officer_in_charge", str(officer),
                             f"{officer} is not an officer of the "
                             f"{'PPU' if route == 'ppu' else 'LPA investigation team'} "
                             "for this area"))
    level = (RiskAssessment.objects.filter(crime=crime).order_by("-assessed_at")
             .values_list("final_level", flat=True).first()
             or (RiskAssessment.objects.filter(incident_id=crime.incident_id)
                 .order_by("-assessed_at").values_list("final_level", flat=True).first()
                 if crime.incident_id else None))
    allocation = Allocation(crime=crime, allocated_at=at, allocated_by=records.actor_name(actor),
                            route=route, officer_in_charge=officer,
                            officer_name=records.actor_name(officer) if officer else "",
                            risk_level=level, safeguarding=safeguarding, reason=reason)
    # The checks the import uses too (risk.checks), for what the above did not report.
    reported = {p[0] for p in problems}
    problems += [p for p in check_allocation({"route": route, "safeguarding": safeguarding,
                                              "officer_name": allocation.officer_name})
                 if "officer_in_charge" not in reported]
    persons = set(crime.parties.values_list("person__person_id", flat=True))
    return records.save(allocation, actor=actor, person_ids=persons, as_of=at,
                        context=context, problems=problems,
                        detail={"route": route, "officer": allocation.officer_name})
