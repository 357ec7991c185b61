"""What a search result shows about each person: roles, current risk, live orders, MARAC."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Q

from vigil.incidents.models import CrimeParty, IncidentParty
from vigil.marac.models import MaracReferral
from vigil.orders.models import ProtectiveOrder
from vigil.people.models import SourceRecord
from vigil.risk.models import RiskAssessment, RiskLevel


def summaries(person_ids: list[int], as_of: datetime) -> dict[int, dict]:
    """person id -> {roles, risk, orders, marac, sources}, in a handful of queries."""
    record_person = dict(SourceRecord.objects.filter(person_id__in=person_ids)
                         .values_list("id", "person_id"))
    rids = list(record_person)
    out: dict[int, dict] = defaultdict(lambda: {"roles": set(), "orders": [], "sources": 0})
    for pid in record_person.values():
        out[pid]["sources"] += 1
    for model in (IncidentParty, CrimeParty):
        for rid, role in model.objects.filter(person_id__in=rids).values_list(
                "person_id", "role").distinct():
            out[record_person[rid]]["roles"].add(role)
    today = as_of.date()
    # Current risk: the final level of the latest assessment up to as_of.
    for ra in (RiskAssessment.objects.filter(victim_id__in=rids, assessed_at__lte=as_of)
               .order_by("assessed_at", "id").values("victim_id", "final_level",
                                                     "assessed_at")):
        out[record_person[ra["victim_id"]]]["risk"] = (
            f"{RiskLevel(ra['final_level']).label} ({ra['assessed_at']:%d %b %Y})")
    live = (ProtectiveOrder.objects
            .filter(Q(subject_id__in=rids) | Q(protected_persons__person_id__in=rids),
                    status=ProtectiveOrder.Status.LIVE)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .values("subject_id", "order_type", "ends_on", "protected_persons__person_id")
            .distinct())
    for o in live:
        subject = o["subject_id"] in record_person
        rid = o["subject_id"] if subject else o["protected_persons__person_id"]
        if rid not in record_person:
            continue
        until = f" until {o['ends_on']:%d %b %Y}" if o["ends_on"] else ""
        text = f"{o['order_type']} {'against' if subject else 'protecting'} them{until}"
        if text not in out[record_person[rid]]["orders"]:
            out[record_person[rid]]["orders"].append(text)
    for ref in (MaracReferral.objects.filter(victim_id__in=rids, referred_on__lte=today)
                .order_by("referred_on", "id").values("victim_id", "status", "referred_on")):
        status = MaracReferral.Status(ref["status"]).label
        out[record_person[ref["victim_id"]]]["marac"] = (
            f"{status} (referred {ref['referred_on']:%d %b %Y})")
    for info in out.values():
        info["roles"] = sorted(info["roles"])
    return dict(out)
