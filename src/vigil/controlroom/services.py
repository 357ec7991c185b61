"""The control room's write path from the web app: a DA specialist's log review."""

from __future__ import annotations

from datetime import datetime

from vigil.controlroom.models import LogReview
from vigil.core import records, roles
from vigil.incidents.models import Incident

FINDINGS = ("positive_feedback", "regraded", "reopened", "risk_assessment_feedback",
            "reassurance_given", "asked_support_services", "children_identified",
            "key_risk_factors_asked", "victim_blaming_language")


def record_log_review(incident: Incident, *, actor, reviewed_at: datetime, feedback: str,
                      findings: set[str], context: str = "") -> LogReview:
    """Review a control-room log (Raneem's Law). `findings` are the yes answers."""
    records.authorise(actor, roles.REVIEW_LOG, [incident.lpa_id], what="controlroom.logreview")
    unknown = set(findings) - set(FINDINGS)
    if unknown:
        raise records.RecordInvalid([("findings", ", ".join(sorted(unknown)),
                                      "not a log-review finding")])
    review = LogReview(incident=incident, reviewed_at=reviewed_at,
                       reviewer=records.actor_name(actor), feedback=feedback,
                       **{f: f in findings for f in FINDINGS})
    persons = set(incident.parties.values_list("person__person_id", flat=True))
    return records.save(review, actor=actor, person_ids=persons, as_of=reviewed_at,
                        context=context)
