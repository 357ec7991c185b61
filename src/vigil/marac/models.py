"""MARAC referrals (criteria met), meetings, hearings, actions and transfers."""

from django.db import models
from django.db.models import Q

from vigil.core.models import Area, SourceKeyed, date_order, source_key_constraint
from vigil.people.models import SourceRecord


class MaracMeeting(SourceKeyed):
    lpa = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="marac_meetings",
                            limit_choices_to={"kind": "lpa"})
    held_on = models.DateField()
    capacity = models.PositiveSmallIntegerField(default=16)
    # The agencies represented at the meeting, one per line (recorded at the meeting).
    attended_by = models.TextField(blank=True)

    @property
    def attendance(self) -> list[str]:
        return [a for a in self.attended_by.splitlines() if a.strip()]

    class Meta:
        ordering = ["held_on"]
        constraints = [
            source_key_constraint("maracmeeting"),
            models.UniqueConstraint(fields=["lpa", "held_on"], name="maracmeeting_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.lpa} MARAC {self.held_on:%d %b %Y}"


class SharingBasis(models.TextChoices):
    CONSENT = "consent", "The victim consented to sharing"
    RISK_OF_HARM = "risk_of_harm", "Without consent: risk of serious harm to the victim or others"
    CRIME = "crime", "Without consent: prevention or detection of crime"


class MaracReferral(SourceKeyed):
    vigil_fields = ("idva_referred_on", "withdrawal_reason")  # ADR 0006
    fact_key = ("victim__person", "referred_on")  # ADR 0006

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed (awaiting coordinator)"
        AWAITING = "awaiting", "Awaiting hearing"
        HEARD = "heard", "Heard"
        WITHDRAWN = "withdrawn", "Withdrawn"
        TRANSFERRED = "transferred", "Transferred out"

    victim = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                               related_name="marac_referrals")
    perpetrator = models.ForeignKey(SourceRecord, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    lpa = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="marac_referrals",
                            limit_choices_to={"kind": "lpa"})
    referring_agency = models.CharField(max_length=100, default="Police")
    referred_on = models.DateField(db_index=True)
    # The four SafeLives criteria; at least one must be met.
    visible_high_risk = models.BooleanField(default=False)
    professional_judgement = models.BooleanField(default=False)
    potential_escalation = models.BooleanField(default=False)
    repeat_referral = models.BooleanField(default=False)
    risk_assessment = models.ForeignKey("risk.RiskAssessment", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    idva_referred_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    meeting = models.ForeignKey(MaracMeeting, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="cases")
    heard_on = models.DateField(null=True, blank=True)
    # Information sharing: consent, or the lawful basis for sharing without it; what
    # the agenda carries follows it (policy.marac_sections_without_consent).
    sharing_basis = models.CharField(max_length=20, blank=True, choices=SharingBasis.choices)
    risk_summary = models.TextField(blank=True)
    outcome = models.TextField(blank=True, help_text="What the meeting decided")
    # Closed when every action is done or explicitly carried (services.close_case).
    closed_on = models.DateField(null=True, blank=True)
    # The day a withdrawn referral stopped awaiting its hearing: the backlog counts it
    # in every month before (issue 15 item 8). Empty in older exports.
    withdrawn_on = models.DateField(null=True, blank=True,
                                    help_text="The day the referral was withdrawn")
    # Why, when the coordinator withdrew it in Vigil (services.withdraw).
    withdrawal_reason = models.TextField(blank=True)

    @property
    def days_to_hearing(self) -> int | None:
        return (self.heard_on - self.referred_on).days if self.heard_on else None

    @property
    def summary(self) -> str:
        met = [f.verbose_name for f in self._meta.concrete_fields
               if f.name in ("visible_high_risk", "professional_judgement",
                             "potential_escalation", "repeat_referral")
               and getattr(self, f.name)]
        return f"Referred on {self.referred_on:%d %b %Y}: {', '.join(met)}"

    class Meta:
        constraints = [
            source_key_constraint("maracreferral"),
            date_order("maracreferral", "referred_on", "heard_on"),
            date_order("maracreferral", "heard_on", "closed_on"),
            date_order("maracreferral", "referred_on", "withdrawn_on"),
            models.CheckConstraint(condition=Q(withdrawn_on__isnull=True) | Q(status="withdrawn"),
                                   name="maracreferral_withdrawn_on_only_if_withdrawn"),
            models.CheckConstraint(
                condition=Q(visible_high_risk=True) | Q(professional_judgement=True)
                | Q(potential_escalation=True) | Q(repeat_referral=True),
                name="maracreferral_meets_a_criterion",
            ),
            models.CheckConstraint(condition=~Q(status="heard") | Q(heard_on__isnull=False),
                                   name="maracreferral_heard_has_date"),
        ]
        indexes = [models.Index(fields=["lpa", "status"])]


class MaracAction(SourceKeyed):
    referral = models.ForeignKey(MaracReferral, on_delete=models.CASCADE,
                                 related_name="actions")
    agency = models.CharField(max_length=100, help_text="The owning agency")
    owner = models.CharField(max_length=100, blank=True, help_text="A named owner, where known")
    description = models.TextField()
    due_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    # Explicitly carried to the next meeting (not done, but no bar to closing the case).
    carried_on = models.DateField(null=True, blank=True)

    @property
    def settled(self) -> bool:
        return self.completed_on is not None or self.carried_on is not None

    class Meta:
        constraints = [source_key_constraint("maracaction"),
                       models.CheckConstraint(condition=~Q(agency=""),
                                              name="maracaction_has_owning_agency")]
        # The coordinator's queue and the agenda read open actions by due date.
        indexes = [models.Index(fields=["due_on"], name="maracaction_open_due",
                                condition=Q(completed_on__isnull=True,
                                            carried_on__isnull=True))]


class MaracTransfer(SourceKeyed):
    """A victim moving between LPAs, or out of the region (to_lpa empty)."""

    referral = models.ForeignKey(MaracReferral, on_delete=models.CASCADE,
                                 related_name="transfers")
    # Empty when the victim arrives from outside the region (`origin` names the MARAC).
    from_lpa = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    origin = models.CharField(max_length=100, blank=True,
                              help_text="Sending MARAC when from outside the region")
    to_lpa = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    destination = models.CharField(max_length=100, blank=True,
                                   help_text="Receiving MARAC when out of the region")
    transferred_on = models.DateField()
    sent = models.TextField(blank=True, help_text="What was sent to the receiving MARAC")
    # The referral the receiving LPA opened for the case (transfer in), once received.
    received_as = models.ForeignKey(MaracReferral, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            source_key_constraint("maractransfer"),
            models.CheckConstraint(condition=Q(to_lpa__isnull=False) | ~Q(destination=""),
                                   name="maractransfer_has_destination"),
            models.CheckConstraint(condition=Q(from_lpa__isnull=False) | ~Q(origin=""),
                                   name="maractransfer_has_origin"),
            models.CheckConstraint(condition=Q(from_lpa__isnull=True) | Q(to_lpa__isnull=True)
                                   | ~Q(from_lpa=models.F("to_lpa")),
                                   name="maractransfer_moves"),
        ]
