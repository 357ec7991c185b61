"""What the log-text screener marked on each DA log, and what reviewers said about it.

Imported by controlroom/models.py so Django registers them with the controlroom app.
"""

from django.conf import settings
from django.db import models

from vigil.controlroom.screener import MARKS
from vigil.incidents.models import Incident

# (member name, (stored value, label)): the stored value is the mark's key.
MarkKind = models.TextChoices("MarkKind", [(k.upper(), (k, label)) for k, label in MARKS.items()])


class LogScreening(models.Model):
    """One screening of an incident's narrative: which screener, when, over what text."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE,
                                    related_name="screening")
    screener_version = models.CharField(max_length=40)
    screened_at = models.DateTimeField(db_index=True)
    # The text screened, by length and hash: a changed narrative is screened again.
    text_chars = models.PositiveIntegerField()
    text_sha1 = models.CharField(max_length=40)

    def __str__(self) -> str:
        return f"screening of {self.incident_id} ({self.screener_version})"


class ScreeningMark(models.Model):
    """One mark of a screening: set or not, and the words that did or did not set it.

    A mark the screener found no words for, either way, has no row (it is not set).

    `hits` is a list of {text, start, end, counts, reason, factor}: `start`/`end` are
    offsets into the narrative, `counts` says whether the words set the mark, `reason`
    why ("asked", "negated", "reported speech", ...).
    """

    screening = models.ForeignKey(LogScreening, on_delete=models.CASCADE,
                                  related_name="marks")
    kind = models.CharField(max_length=24, choices=MarkKind.choices)
    present = models.BooleanField()
    hits = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["screening", "kind"],
                                               name="screeningmark_one_per_kind")]
        indexes = [models.Index(fields=["kind", "present"], name="screeningmark_kind_present")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'yes' if self.present else 'no'}"

    @property
    def words(self) -> list[str]:
        return [h["text"] for h in self.hits if h.get("counts")]


class ScreeningLabel(models.Model):
    """A reviewer's confirmation or correction of a mark: kept as a label for the screener.

    Labels are never edited: a later one for the same incident and kind supersedes the
    earlier. The screener's answer and version are copied so a label still says what it
    corrected after the log is screened again by a newer screener.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE,
                                 related_name="screening_labels")
    kind = models.CharField(max_length=24, choices=MarkKind.choices)
    present = models.BooleanField(help_text="What the reviewer says the log shows")
    screener_present = models.BooleanField(help_text="What the screener had marked")
    screener_version = models.CharField(max_length=40)
    words = models.JSONField(default=list, blank=True,
                             help_text="Words the reviewer points to, if any")
    note = models.CharField(max_length=500, blank=True)
    labelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    labelled_at = models.DateTimeField()
    text_sha1 = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["incident", "kind", "labelled_at"],
                                name="screeninglabel_latest")]

    def __str__(self) -> str:
        verdict = "confirmed" if self.agrees else "corrected"
        return f"{self.get_kind_display()} {verdict} on {self.incident_id}"

    @property
    def agrees(self) -> bool:
        return self.present == self.screener_present
