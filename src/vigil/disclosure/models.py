"""Clare's Law: Domestic Violence Disclosure Scheme applications and their steps."""

from django.db import models

from vigil.core.models import Area, SourceKeyed, date_order, source_key_constraint
from vigil.people.models import SourceRecord


class DvdsApplication(SourceKeyed):
    # Filled in from Vigil; an export's empty cell keeps them (ADR 0006).
    # The same application whichever system recorded it: the person at risk and the
    # subject (as persons, so once linkage has joined the records Vigil made for them),
    # and the London day it was received (ADR 0006).
    fact_key = ("person_at_risk__person", "subject__person", "received_at__date")
    vigil_fields = ("initial_checks_at", "decision", "decided_at", "lawful", "necessary",
                    "proportionate", "disclosed_at", "disclosed_by", "disclosed_to",
                    "safety_plan", "safety_plan_detail")

    class Route(models.TextChoices):
        RIGHT_TO_ASK = "ask", "Right to Ask"
        RIGHT_TO_KNOW = "know", "Right to Know"

    class Applicant(models.TextChoices):
        PARTNER = "partner", "Partner (person at risk)"
        THIRD_PARTY = "third_party", "Third party"
        POLICE = "police", "Police-initiated"

    class Decision(models.TextChoices):
        DISCLOSE = "disclose", "Disclose"
        NO_DISCLOSURE = "no_disclosure", "No disclosure"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Relationship(models.TextChoices):
        PARTNER = "partner", "Current partner"
        NEW_PARTNER = "new_partner", "New partner (relationship under a year)"
        EX_PARTNER = "ex_partner", "Former partner"
        FAMILY = "family", "Family member"
        OTHER = "other", "Other"

    class FormQuality(models.TextChoices):
        GOOD = "good", "Good"
        ADEQUATE = "adequate", "Adequate"
        POOR = "poor", "Poor"

    route = models.CharField(max_length=5, choices=Route.choices)
    applicant_type = models.CharField(max_length=12, choices=Applicant.choices)
    applicant = models.ForeignKey(SourceRecord, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    person_at_risk = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                                       related_name="dvds_at_risk")
    subject = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                                related_name="dvds_subject")
    relationship = models.CharField(
        max_length=12, choices=Relationship.choices, blank=True,
        help_text="The subject's relationship to the person at risk")
    applicant_relationship = models.CharField(
        max_length=100, blank=True,
        help_text="A third-party applicant's relationship to the person at risk")
    lpa = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+",
                            limit_choices_to={"kind": "lpa"})
    received_at = models.DateTimeField(db_index=True)
    initial_checks_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=15, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The multi-agency decision's three tests: a disclosure must pass all three.
    lawful = models.BooleanField(null=True, blank=True)
    necessary = models.BooleanField(null=True, blank=True)
    proportionate = models.BooleanField(null=True, blank=True)
    disclosed_at = models.DateTimeField(null=True, blank=True)
    safety_plan = models.BooleanField(default=False)
    safety_plan_detail = models.TextField(blank=True)
    disclosed_by = models.CharField(max_length=100, blank=True)
    disclosed_to = models.CharField(max_length=100, blank=True)
    form_quality = models.CharField(max_length=10, choices=FormQuality.choices, blank=True)

    def get_absolute_url(self) -> str:
        """Its page (area scope applies there): task evidence links to it."""
        from django.urls import reverse

        return reverse("disclosure:application", args=[self.pk])

    class Meta:
        constraints = [
            source_key_constraint("dvdsapplication"),
            date_order("dvdsapplication", "received_at", "initial_checks_at"),
            date_order("dvdsapplication", "received_at", "decided_at"),
            date_order("dvdsapplication", "decided_at", "disclosed_at"),
        ]


class DvdsStep(SourceKeyed):
    fact_key = ("application", "step")  # ADR 0006

    class Step(models.TextChoices):
        INITIAL_CHECKS = "initial_checks", "Initial checks"
        FACE_TO_FACE = "face_to_face", "Face-to-face meeting"
        MULTI_AGENCY = "multi_agency", "Multi-agency decision (lawful, necessary, proportionate)"
        DISCLOSURE = "disclosure", "Disclosure with safety plan"
        CLOSED = "closed", "Closed"

    application = models.ForeignKey(DvdsApplication, on_delete=models.CASCADE,
                                    related_name="steps")
    step = models.CharField(max_length=20, choices=Step.choices)
    at = models.DateTimeField()
    by = models.CharField(max_length=100)
    note = models.TextField(blank=True)

    @property
    def summary(self) -> str:
        decision = self.application.get_decision_display() if self.step in (
            "multi_agency", "closed") and self.application.decision else ""
        return f"{self.get_step_display()}" + (f": {decision}" if decision else "") + (
            f". {self.note}" if self.note else "")

    class Meta:
        ordering = ["at"]
        constraints = [source_key_constraint("dvdsstep")]
