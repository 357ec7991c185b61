"""Operation Encompass's write path from the web app: notifying the child's school."""

from __future__ import annotations

from datetime import datetime

from vigil.core import records, roles
from vigil.core.models import School
from vigil.encompass.models import EncompassNotification
from vigil.incidents.models import Incident
from vigil.people.models import SourceRecord


def notify_school(incident: Incident, child: SourceRecord, *, actor, school: School | None,
                  child_present: bool, circumstances: str, notified_at: datetime,
                  voice_of_child: str = "", context: str = "") -> EncompassNotification:
    """Record the notification to the school's Key Adult (or the local authority when the
    child is educated at home): what the school sees, never the full record."""
    records.authorise(actor, roles.complete_task("encompass"), [incident.lpa_id],
                      what="encompass.encompassnotification")
    note = EncompassNotification(
        incident=incident, child=child, school=school,
        local_authority_id=school.local_authority_id if school else incident.lpa_id,
        child_present=child_present, voice_of_child=voice_of_child.strip(),
        circumstances=circumstances.strip(), notified_at=notified_at,
        notified_by=records.actor_name(actor))
    problems = []
    if notified_at < incident.reported_at:
        problems.append(("notified_at", notified_at, "the notification is before the incident"))
    return records.save(note, actor=actor, person_ids={child.person_id}, as_of=notified_at,
                        context=context, problems=problems)
