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


class ReportCover(models.Model):
    """The board report's cover details for one financial year, set in the app."""

    year = models.CharField(max_length=7, unique=True, help_text="financial year, 2025-26")
    meeting = models.CharField(max_length=200, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    agenda_item = models.CharField(max_length=50, blank=True)
    presented_by = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    updated_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"cover {self.year}"


class CommitmentLead(models.Model):
    """The SMT lead who writes the commentary for one commitment."""

    commitment = models.CharField(max_length=10, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    set_by = models.CharField(max_length=150)
    set_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"ref {self.commitment}: {self.user}"


class Commentary(models.Model):
    """One saved version of a commitment's commentary for a year; the highest is current."""

    commitment = models.CharField(max_length=10)
    year = models.CharField(max_length=7)
    version = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                               related_name="+")
    actor = models.CharField(max_length=150)
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["commitment", "-version"]
        constraints = [
            # Two editors saving on the same version: the database lets one through.
            models.UniqueConstraint(fields=["commitment", "year", "version"],
                                    name="commentary_one_row_per_version"),
        ]

    def __str__(self) -> str:
        return f"ref {self.commitment} {self.year} v{self.version}"


class ReportEdition(models.Model):
    """One generated board report: a background job, its progress and its files."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being generated"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    year = models.CharField(max_length=7)
    as_of = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    snapshot_taken_at = models.CharField(max_length=40, blank=True)
    folder = models.CharField(max_length=300, blank=True, help_text="under the data dir")

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"board report {self.year} as of {self.as_of} ({self.status})"
