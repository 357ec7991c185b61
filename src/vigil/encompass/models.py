"""Operation Encompass: notifying a child's school (Key Adult) after a DA incident."""

from django.db import models

from vigil.core.models import Area, School, SourceKeyed, source_key_constraint
from vigil.incidents.models import Incident
from vigil.people.models import SourceRecord


class EncompassNotification(SourceKeyed):
    """What the school sees: never the full record (domain.md, Operation Encompass)."""
    fact_key = ("incident", "child__person")  # ADR 0006

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT,
                                 related_name="encompass_notifications")
    child = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                              related_name="encompass_notifications")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT)
    # Home-educated children are notified to the local authority instead.
    local_authority = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+",
                                        limit_choices_to={"kind": "lpa"})
    child_present = models.BooleanField()
    voice_of_child = models.TextField(blank=True)
    circumstances = models.TextField()
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_by = models.CharField(max_length=100, blank=True)

    @property
    def summary(self) -> str:
        who = self.school.name if self.school_id else "the local authority (home educated)"
        return f"{who} notified" + (f" on {self.notified_at:%d %b %Y %H:%M}"
                                    if self.notified_at else "")

    class Meta:
        constraints = [
            source_key_constraint("encompassnotification"),
            models.UniqueConstraint(fields=["incident", "child"],
                                    name="encompassnotification_one_per_child"),
        ]
