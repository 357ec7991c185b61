"""Read side for MARAC: which referrals a user may open, and the referral page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from vigil.core.record_links import record_tasks, scoped
from vigil.marac.models import MaracAction, MaracReferral, MaracTransfer


def visible_referrals(user) -> QuerySet[MaracReferral]:
    return scoped(user, MaracReferral.objects.all(), "lpa")


@dataclass
class ReferralView:
    record: MaracReferral
    criteria: list[str]
    actions: list[MaracAction]
    transfers: list[MaracTransfer]
    tasks: list


def referral_view(user, pk: int) -> ReferralView | None:
    ref = (visible_referrals(user)
           .select_related("lpa", "victim", "perpetrator", "meeting", "risk_assessment__incident")
           .filter(pk=pk).first())
    if ref is None:
        return None
    criteria = [label for met, label in (
        (ref.visible_high_risk, "Visible high risk (14 or more ticks)"),
        (ref.professional_judgement, "Professional judgement"),
        (ref.potential_escalation, "Potential escalation"),
        (ref.repeat_referral, "Repeat referral")) if met]
    return ReferralView(
        record=ref, criteria=criteria,
        actions=list(ref.actions.order_by("due_on", "id")),
        transfers=list(ref.transfers.select_related("from_lpa", "to_lpa")
                       .order_by("transferred_on")),
        tasks=record_tasks(user, ref))
