"""Raneem's Law: DA specialists' reviews of control-room logs."""

from django.db import models

from vigil.core.models import SourceKeyed, source_key_constraint
from vigil.incidents.models import Incident


class LogReview(SourceKeyed):
    fact_key = ("incident",)  # ADR 0006

    class Feedback(models.TextChoices):
        NONE = "none", "No feedback"
        DIRECT = "direct", "Direct to call handler"
        LINE_MANAGER = "line_manager", "Via line manager"
        LIVE = "live", "Live, during the call"

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT,
                                    related_name="log_review")
    reviewed_at = models.DateTimeField(db_index=True)
    reviewer = models.CharField(max_length=100)
    feedback = models.CharField(max_length=12, choices=Feedback.choices)
    positive_feedback = models.BooleanField(default=False)
    regraded = models.BooleanField(default=False)
    reopened = models.BooleanField(default=False)
    risk_assessment_feedback = models.BooleanField(default=False)
    # What the log shows the call handler did.
    reassurance_given = models.BooleanField()
    asked_support_services = models.BooleanField()
    children_identified = models.BooleanField()
    key_risk_factors_asked = models.BooleanField()
    victim_blaming_language = models.BooleanField()

    class Meta:
        constraints = [source_key_constraint("logreview")]


# The log-text screener's marks and reviewers' labels live in their own module.
from vigil.controlroom.screening_models import (  # noqa: E402, F401
    LogScreening,
    ScreeningLabel,
    ScreeningMark,
)
