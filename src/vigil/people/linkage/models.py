"""Linkage that an import committed but could not finish: queued until done."""

from __future__ import annotations

from django.db import models


class PendingLinkage(models.Model):
    """The records of one import whose linkage on arrival failed (out of memory,
    a Splink error, ...). The import stands; the records stay persons of their
    own until a retry links them: the next import's linkage, or `vigil link`,
    which links every record and so settles every pending entry."""

    created_at = models.DateTimeField()
    as_of = models.DateTimeField()
    record_ids = models.JSONField(default=list)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    last_attempt_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["done_at"], name="pendinglinkage_done")]

    def __str__(self) -> str:
        return f"linkage of {len(self.record_ids):,} records waiting since {self.created_at}"
