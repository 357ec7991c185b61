"""Victims' Code: needs assessment, contact plan and updates for DA victims."""

from django.db import models

from vigil.core.models import SourceKeyed, date_order, source_key_constraint
from vigil.incidents.models import Crime
from vigil.people.models import SourceRecord


class VictimCare(SourceKeyed):
    vigil_fields = ("support_referred_at", "support_service", "needs_assessed_at",
                    "enhanced_rights", "needs", "contact_plan", "contact_plan_at",
                    "contact_method", "contact_every_days")  # ADR 0006
    fact_key = ("victim__person", "crime")  # the same care, whoever recorded it (ADR 0006)

    victim = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                               related_name="victim_care")
    crime = models.ForeignKey(Crime, on_delete=models.PROTECT, related_name="victim_care")
    needs_assessed_at = models.DateTimeField(null=True, blank=True)
    enhanced_rights = models.BooleanField(
        null=True, blank=True,
        help_text="Entitled to enhanced rights (vulnerable or intimidated victim)")
    needs = models.CharField(max_length=200, blank=True,
                             help_text="The support needs found, comma-separated")
    contact_method = models.CharField(max_length=20, blank=True)
    contact_every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    contact_plan = models.CharField(max_length=200, blank=True,
                                    help_text="How and how often the victim wants updates")
    contact_plan_at = models.DateTimeField(null=True, blank=True)
    support_referred_at = models.DateTimeField(null=True, blank=True)
    support_service = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            source_key_constraint("victimcare"),
            models.UniqueConstraint(fields=["victim", "crime"], name="victimcare_one_per_crime"),
        ]


class VictimUpdate(SourceKeyed):
    fact_key = ("care", "reason", "told_at__date")  # ADR 0006

    class Reason(models.TextChoices):
        ARREST = "arrest", "Suspect arrested"
        BAIL = "bail", "Suspect bailed"
        RELEASE = "release", "Suspect released"
        CHARGE = "charge", "Suspect charged"
        MONTHLY = "monthly", "Regular update"
        OUTCOME = "outcome", "Investigation outcome"

    care = models.ForeignKey(VictimCare, on_delete=models.CASCADE, related_name="updates")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    event_at = models.DateTimeField(null=True, blank=True,
                                    help_text="When the event the update is about happened")
    told_at = models.DateTimeField()
    method = models.CharField(max_length=30, blank=True)

    @property
    def summary(self) -> str:
        how = f" by {self.method.replace('_', ' ')}" if self.method else ""
        return f"{self.get_reason_display()}: victim told{how}"

    class Meta:
        constraints = [
            source_key_constraint("victimupdate"),
            date_order("victimupdate", "event_at", "told_at"),
        ]
