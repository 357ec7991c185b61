"""How a record reads to a person: its source system's reference, or for one made in
Vigil, when and by whom (never its internal id)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tests import factories
from vigil.core import audit, records
from vigil.incidents.models import Incident

AT = datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("Europe/London"))


def test_a_source_record_reads_as_its_system_and_reference(areas):
    incident = factories.make_incident(areas["BHM"], AT)
    text = records.human_reference(incident)
    assert text.startswith(f"{incident.source_system} ")
    assert text.endswith(incident.reference or incident.source_id)


def test_a_record_made_in_vigil_reads_as_when_and_by_whom(areas, make_user):
    officer = make_user("safeguarding", username="pshah")
    officer.first_name, officer.last_name = "Priya", "Shah"
    officer.save()
    incident = factories.make_incident(areas["BHM"], AT)
    Incident.objects.filter(pk=incident.pk).update(source_system=records.VIGIL,
                                                   source_id="incident-00ff")
    incident.refresh_from_db()
    assert records.human_reference(incident) == "made in Vigil"  # no audit row: no claim
    audit.record(officer, audit.CREATE, incident, at=AT)
    audit.record(officer, audit.UPDATE, incident, at=AT.replace(day=1))
    assert records.human_reference(incident) == "made in Vigil on 30 Nov 2026 by Priya Shah"
    made = records.made_in_vigil(Incident, [incident.pk, 999999])
    assert made == {incident.pk: "made in Vigil on 30 Nov 2026 by Priya Shah"}
