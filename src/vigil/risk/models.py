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
    # Professional judgement may raise a level, never lower it. A source system's DASH
    # whose officer or final level is below the level its answers give is imported as
    # recorded and flagged here (computed by the import): a policy breach for the R&A
    # supervisor (risk.rules.dash_breach); the rules use the answers' level.
    below_answers_level = models.BooleanField(
        default=False, help_text="The recorded level is below the level the answers give")

    class Meta:
        constraints = [
            source_key_constraint("riskassessment"),
            date_order("riskassessment", "assessed_at", "supervised_at"),
            models.CheckConstraint(condition=Q(yes_count__lte=27),
                                   name="riskassessment_yes_count_max"),
            models.CheckConstraint(
                condition=(Q(final_level__gte=F("actuarial_level"))
                           & Q(officer_level__gte=F("actuarial_level")))
                | Q(below_answers_level=True),
                name="riskassessment_below_answers_is_flagged"),
            models.CheckConstraint(
                condition=Q(final_level__lte=F("actuarial_level")) | ~Q(judgement_reason=""),
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


class Allocation(SourceKeyed):
    """Referral & Allocation's decision on a crime (seed 003): standard and medium risk to
    the LPA, high risk to the PPU, or filed with safeguarding in place, with the officer
    in charge. It meets the R&A review of the incident the crime came from."""

    fact_key = ("crime",)  # ADR 0006

    class Route(models.TextChoices):
        LPA = "lpa", "LPA investigation team (standard or medium risk)"
        PPU = "ppu", "Public Protection Unit (high risk)"
        FILED = "filed", "Filed with safeguarding in place"

    # The queue whose officers may be in charge, by route (filed: none).
    TEAMS = {"lpa": "local_policing", "ppu": "investigators"}

    crime = models.OneToOneField(Crime, on_delete=models.PROTECT, related_name="allocation")
    allocated_at = models.DateTimeField(db_index=True)
    allocated_by = models.CharField(max_length=100)
    route = models.CharField(max_length=5, choices=Route.choices)
    officer_in_charge = models.ForeignKey("core.User", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    officer_name = models.CharField(max_length=100, blank=True)
    risk_level = models.PositiveSmallIntegerField(choices=RiskLevel.choices, null=True,
                                                  blank=True,
                                                  help_text="The final risk level allocated on")
    safeguarding = models.TextField(blank=True,
                                    help_text="The safeguarding in place (when filed)")
    reason = models.TextField(blank=True, help_text="Why, when the route differs from the "
                                                    "risk level's usual one")

    class Meta:
        constraints = [
            source_key_constraint("allocation"),
            models.CheckConstraint(condition=~Q(route="filed") | ~Q(safeguarding=""),
                                   name="allocation_filed_has_safeguarding"),
            models.CheckConstraint(condition=Q(route="filed") | ~Q(officer_name=""),
                                   name="allocation_investigation_has_officer"),
        ]

    @property
    def summary(self) -> str:
        if self.route == self.Route.FILED:
            return f"Filed with safeguarding in place: {self.safeguarding}"[:200]
        return f"{self.get_route_display()}, officer in charge {self.officer_name}"
