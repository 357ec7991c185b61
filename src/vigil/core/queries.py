"""Read side of core: the audit log, filtered for the admin's audit page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from vigil.core.models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""

    @classmethod
    def from_params(cls, params) -> AuditFilter:
        """From a query dict; unknown actions are dropped rather than matching nothing."""
        action = params.get("action", "").strip()
        return cls(
            user=params.get("user", "").strip()[:150],
            action=action if action in AuditEvent.Action.values else "",
            object_type=params.get("object_type", "").strip()[:50],
            object_id=params.get("object_id", "").strip()[:64],
        )

    def as_detail(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def audit_events(f: AuditFilter) -> QuerySet[AuditEvent]:
    """Newest first. `user` matches the actor name, so system actors can be found too."""
    qs = AuditEvent.objects.select_related("user").order_by("-at", "-id")
    if f.user:
        qs = qs.filter(actor__iexact=f.user)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type.lower())
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    return qs


def audited_object_types() -> list[str]:
    return list(AuditEvent.objects.exclude(object_type="").order_by("object_type")
                .values_list("object_type", flat=True).distinct())
