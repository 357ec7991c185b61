"""Raneem's Law: DA specialists' reviews of control-room logs."""

from django.conf import settings
from django.db import models
from django.db.models import Q

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
    # A regrade or reopen is recorded with what it changed, and acted on (a follow-up task).
    regraded_to = models.CharField(max_length=12, choices=Incident.Grade.choices, blank=True)
    reopen_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [source_key_constraint("logreview")]


class SampledLog(models.Model):
    """A DA log drawn for a specialist's review (controlroom.sampling), and who took it.

    Made only in Vigil, by the daily draw; never imported. One per log: a log drawn
    for two reasons keeps both.
    """

    class Reason(models.TextChoices):
        DELAYED = "delayed_appointment", "Appointment log with a delayed response"
        ADVICE = "advice_given", "Advice given (closed without deployment)"
        RISK_CLOSED = "risk_closed", "Closed without attendance where risk was identified"
        RANDOM = "random", "Random sample"

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE,
                                    related_name="sample")
    reasons = models.JSONField(default=list)
    sampled_on = models.DateField(db_index=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    taken_at = models.DateTimeField(null=True, blank=True)

    def reason_labels(self) -> list[str]:
        names = dict(self.Reason.choices)
        return [names.get(r, r) for r in self.reasons]


class DeskContact(SourceKeyed):
    """The DA desk's Rapid Video Response to a new DA incident (seed 003), and the DASH
    and the DA suicide-risk screening (seed 002) taken on it. One per incident."""

    fact_key = ("incident",)  # ADR 0006

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT,
                                    related_name="desk_contact")
    recorded_at = models.DateTimeField(db_index=True)
    officer = models.CharField(max_length=100)
    video_contact_at = models.DateTimeField(null=True, blank=True,
                                            help_text="When the victim was on video with the "
                                                      "desk officer")
    no_video_reason = models.CharField(max_length=300, blank=True)
    dash_taken = models.BooleanField()
    suicide_screened = models.BooleanField()
    suicide_risk_identified = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            source_key_constraint("deskcontact"),
            models.CheckConstraint(
                condition=Q(video_contact_at__isnull=False) | ~Q(no_video_reason=""),
                name="deskcontact_no_video_has_reason"),
            models.CheckConstraint(
                condition=Q(suicide_screened=True) | Q(suicide_risk_identified__isnull=True),
                name="deskcontact_suicide_risk_only_if_screened"),
        ]

    @property
    def summary(self) -> str:
        video = (f"video contact {self.video_contact_at:%H:%M}" if self.video_contact_at
                 else f"no video contact ({self.no_video_reason})")
        return (f"{video}; DASH {'taken' if self.dash_taken else 'not taken'}; suicide risk "
                f"{'screened' if self.suicide_screened else 'not screened'}")


# The log-text screener's marks and reviewers' labels live in their own module.
from vigil.controlroom.screening_models import (  # noqa: E402, F401
    LogScreening,
    ScreeningLabel,
    ScreeningMark,
)
