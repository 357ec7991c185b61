"""DASH-27 and RIC-24 risk assessments, stored per question, with supervision."""

from django.db import models
from django.db.models import F, Q

from vigil.core.models import SourceKeyed, date_order, source_key_constraint
from vigil.incidents.models import Crime, Incident
from vigil.people.models import SourceRecord


class RiskLevel(models.IntegerChoices):
    # Integers so that "never lower" is a database check: final >= actuarial.
    STANDARD = 1, "Standard"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class Instrument(models.TextChoices):
    DASH_27 = "DASH27", "DASH 2009 (police, 27 questions)"
    RIC_24 = "RIC24", "SafeLives DASH RIC (24 questions)"


QUESTION_COUNT = {Instrument.DASH_27: 27, Instrument.RIC_24: 24}


class RiskAssessment(SourceKeyed):
    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    victim = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                               related_name="risk_assessments")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="risk_assessments")
    crime = models.ForeignKey(Crime, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="risk_assessments")
    assessed_at = models.DateTimeField(db_index=True)
    officer = models.CharField(max_length=100)
    # Yes answers, and the level they give under the policy in force then.
    yes_count = models.PositiveSmallIntegerField()
    actuarial_level = models.PositiveSmallIntegerField(choices=RiskLevel.choices)
    officer_level = models.PositiveSmallIntegerField(choices=RiskLevel.choices)
    supervisor = models.CharField(max_length=100, blank=True)
    supervised_at = models.DateTimeField(null=True, blank=True)
    supervisor_level = models.PositiveSmallIntegerField(choices=RiskLevel.choices, null=True,
                                                        blank=True)
    final_level = models.PositiveSmallIntegerField(choices=RiskLevel.choices)
    final_set_by = models.CharField(max_length=100)
    judgement_reason = models.TextField(
        blank=True, help_text="Why professional judgement raised the level"
    )
    suicide_risk_screened = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            source_key_constraint("riskassessment"),
            date_order("riskassessment", "assessed_at", "supervised_at"),
            models.CheckConstraint(condition=Q(yes_count__lte=27),
                                   name="riskassessment_yes_count_max"),
            # Professional judgement may raise a level, never lower it.
            models.CheckConstraint(condition=Q(final_level__gte=F("actuarial_level")),
                                   name="riskassessment_final_not_below_actuarial"),
            models.CheckConstraint(condition=Q(officer_level__gte=F("actuarial_level")),
                                   name="riskassessment_officer_not_below_actuarial"),
            models.CheckConstraint(
                condition=Q(final_level=F("actuarial_level")) | ~Q(judgement_reason=""),
                name="riskassessment_raised_level_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["final_level", "assessed_at"])]


class RiskAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "Y", "Yes"
        NO = "N", "No"
        DONT_KNOW = "DK", "Don't know"

    class Source(models.TextChoices):
        VICTIM = "victim", "Victim"
        OFFICER = "officer", "Officer's observation"
        THIRD_PARTY = "third_party", "Third party"
        RECORDS = "records", "Police or partner records"

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE,
                                   related_name="answers")
    question = models.PositiveSmallIntegerField()
    answer = models.CharField(max_length=2, choices=Answer.choices)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.VICTIM)

    class Meta:
        ordering = ["assessment", "question"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="riskanswer_unique"),
            models.CheckConstraint(condition=Q(question__gte=1) & Q(question__lte=27),
                                   name="riskanswer_question_range"),
        ]


class DipSampleReview(SourceKeyed):
    """A supervisor's re-read of a dip-sampled standard-risk assessment (the QA task).

    Made in Vigil only. The share of reviews that disagree with the level is a KPI
    (analytics/kpis/dip_sample_disagreement_rate.sql).
    """

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT,
                                   related_name="dip_sample_reviews")
    reviewed_at = models.DateTimeField(db_index=True)
    reviewer = models.CharField(max_length=100)
    agrees = models.BooleanField(help_text="The reviewer agrees with the final risk level")
    proposed_level = models.PositiveSmallIntegerField(
        choices=RiskLevel.choices, null=True, blank=True,
        help_text="The level the reviewer would have given, when they disagree")
    reason = models.TextField(blank=True, help_text="Why the reviewer disagrees")

    @property
    def summary(self) -> str:
        if self.agrees:
            return "Agrees with the risk level"
        return (f"Disagrees: should have been {self.get_proposed_level_display().lower()}. "
                f"{self.reason}")

    class Meta:
        constraints = [
            source_key_constraint("dipsamplereview"),
            models.CheckConstraint(
                condition=Q(agrees=True) | (Q(proposed_level__isnull=False) & ~Q(reason="")),
                name="dipsamplereview_disagreement_has_level_and_reason"),
        ]
