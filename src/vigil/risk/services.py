"""Risk's write path from the web app: the QA dip-sample review of an assessment."""

from __future__ import annotations

from datetime import datetime

from vigil.core import records, roles
from vigil.risk.models import DipSampleReview, RiskAssessment


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
    if level < assessment.final_level:
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
