"""An analyst's override of a computed RAG rating, with the reason (audited)."""

from django.conf import settings
from django.db import models


class RagOverride(models.Model):
    class Rating(models.TextChoices):
        GREEN = "green", "Green"
        AMBER = "amber", "Amber"
        RED = "red", "Red"

    commitment = models.CharField(max_length=10, help_text="Police and Crime Plan reference")
    # The last complete month the report covers: an override applies to that report only.
    period_end = models.DateField()
    # Empty when the rules had no figures to rate.
    computed = models.CharField(max_length=5, choices=Rating.choices, blank=True)
    rating = models.CharField(max_length=5, choices=Rating.choices)
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=150)
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""),
                                   name="ragoverride_has_reason"),
        ]
        indexes = [models.Index(fields=["commitment", "period_end"])]

    def __str__(self) -> str:
        return f"ref {self.commitment} {self.period_end:%b %Y}: {self.rating}"
