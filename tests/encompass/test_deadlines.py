"""The Encompass deadline: 08:30 on the next school day of the child's own school's local
authority, from term dates imported per authority (two here), across Christmas, half term
and the summer holiday; the rules, the pages and the KPI all use the same one."""

from __future__ import annotations

from datetime import date

import pytest

from tests.safeguarding import builders as b
from vigil.core import calendar as cal
from vigil.core.errors import CommandError
from vigil.core.models import School
from vigil.encompass import services
from vigil.encompass.calendars import Deadlines
from vigil.encompass.models import SchoolTerm
from vigil.safeguarding import engine
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db

# Birmingham (BHM) and Dudley (DUD) publish different dates; Walsall (WAL) gives none.
TERMS = """local_authority,school_year,term,starts_on,ends_on,half_term_starts,half_term_ends
BHM,2026,autumn,2026-09-02,2026-12-18,2026-10-26,2026-10-30
BHM,2026,spring,2027-01-04,2027-03-26,2027-02-15,2027-02-19
BHM,2026,summer,2027-04-12,2027-07-21,2027-05-31,2027-06-04
BHM,2027,autumn,2027-09-02,2027-12-17,,
Dudley,2026,autumn,2026-09-03,2026-12-22,2026-10-26,2026-10-30
Dudley,2026,spring,2027-01-05,2027-03-26,2027-02-15,2027-02-19
Dudley,2026,summer,2027-04-12,2027-07-16,2027-05-31,2027-06-04
Dudley,2027,autumn,2027-09-06,2027-12-17,,
"""


@pytest.fixture
def schools(areas):
    services.import_terms(TERMS, actor="test", source="terms.csv")
    return {code: School.objects.create(urn=f"U{code}", name=f"{code} Primary", phase="primary",
                                        local_authority=areas[code],
                                        key_adult_email=f"key.adult@{code.lower()}.sch.uk")
            for code in ("BHM", "DUD", "WAL")}


def _due(areas, schools, reported, school_code, incident_lpa="BHM", home=False):
    kid = b.child("Kid", age_on=reported.date(), age=9)
    incident = b.make_incident(areas[incident_lpa], reported, victim=b.make_person("Mum"),
                               children=[kid])
    incident.parties.filter(role="child").update(
        school=schools[school_code] if school_code else None, home_educated=home)
    engine.run(as_of=reported)
    task = Task.objects.get(kind="encompass", person_id=kid.person_id)
    # The pages' and the KPI's deadline is the same as the task's.
    school_id = schools[school_code].pk if school_code else None
    assert Deadlines().due_for(reported, school_id, areas[incident_lpa].pk) == task.due_at
    return task.due_at


@pytest.mark.parametrize("reported, school, due", [
    # Christmas: Birmingham breaks up on Friday 18 December, Dudley on Tuesday 22nd.
    (b.at(2026, 12, 18, 20), "BHM", b.at(2027, 1, 4, 8, 30)),
    (b.at(2026, 12, 18, 20), "DUD", b.at(2026, 12, 21, 8, 30)),
    (b.at(2026, 12, 22, 19), "DUD", b.at(2027, 1, 5, 8, 30)),   # Dudley's INSET day 4 Jan
    (b.at(2026, 12, 22, 19), "BHM", b.at(2027, 1, 4, 8, 30)),
    (b.at(2027, 1, 4, 8, 29), "BHM", b.at(2027, 1, 4, 8, 30)),  # a minute before school
    (b.at(2027, 1, 4, 8, 30), "BHM", b.at(2027, 1, 5, 8, 30)),  # at the bell: next day
    # Half term (the same week in both).
    (b.at(2026, 10, 23, 21), "BHM", b.at(2026, 11, 2, 8, 30)),
    # Summer: Dudley breaks up on Friday 16 July, Birmingham on Wednesday 21st.
    (b.at(2027, 7, 16, 18), "DUD", b.at(2027, 9, 6, 8, 30)),
    (b.at(2027, 7, 16, 18), "BHM", b.at(2027, 7, 19, 8, 30)),
    (b.at(2027, 7, 21, 9), "BHM", b.at(2027, 9, 2, 8, 30)),
    # Walsall gives no dates: the built-in calendar, spring from the first week of January.
    (b.at(2027, 1, 3, 10), "WAL", b.at(2027, 1, 4, 8, 30)),
])
def test_deadline_is_the_next_school_day_of_the_childs_school(areas, schools, reported, school,
                                                              due):
    assert _due(areas, schools, reported, school) == due


def test_the_childs_own_school_not_the_incidents_area(areas, schools):
    # A Birmingham incident, a child at school in Dudley (still in term until the 22nd).
    assert _due(areas, schools, b.at(2026, 12, 18, 20), "DUD", incident_lpa="BHM") == b.at(
        2026, 12, 21, 8, 30)


def test_home_educated_child_goes_by_the_incidents_authority(areas, schools):
    assert _due(areas, schools, b.at(2026, 12, 18, 20), None, incident_lpa="DUD",
                home=True) == b.at(2026, 12, 21, 8, 30)


@pytest.mark.parametrize("year, first_day", [
    (2026, date(2027, 1, 4)),  # Friday New Year's Day: Monday 4th (issue 13)
    (2025, date(2026, 1, 5)),  # Sunday 4th: Monday 5th
    (2023, date(2024, 1, 4)),  # Thursday 4th
    (2024, date(2025, 1, 6)),  # Saturday 4th: Monday 6th
])
def test_default_spring_term_starts_in_the_first_week_of_january(year, first_day):
    spring = cal.default_england_terms(year)[1]
    assert spring.start == first_day


def test_import_refuses_the_whole_file_naming_line_and_column(areas):
    bad = ("local_authority,school_year,term,starts_on,ends_on,half_term_starts,half_term_ends\n"
           "BHM,2026,autumn,2026-09-02,2026-12-18,,\n"
           "Nowhere,2026,spring,2027-01-04,2027-03-26,,\n"
           "BHM,2026,summer,2027-04-12,2027-13-01,,\n"
           "BHM,2026,spring,2027-01-04,2027-03-26,2027-02-15,\n")
    with pytest.raises(CommandError) as exc:
        services.import_terms(bad, actor="test", source="bad.csv")
    text = str(exc.value)
    assert "bad.csv, line 3, column local_authority: 'Nowhere': no such local authority" in text
    assert "line 4, column ends_on: '2027-13-01': not a date" in text
    assert "line 5, column half_term_ends" in text
    assert SchoolTerm.objects.count() == 0  # nothing stored, not even the good first row


def test_import_refuses_overlapping_terms(areas):
    overlapping = ("local_authority,school_year,term,starts_on,ends_on\n"
                   "BHM,2026,autumn,2026-09-02,2027-01-08\n"
                   "BHM,2026,spring,2027-01-04,2027-03-26\n")
    with pytest.raises(CommandError, match="spring 2027-01-04|starts before"):
        services.import_terms(overlapping, actor="test")
    assert SchoolTerm.objects.count() == 0


def test_reimport_replaces_the_term_and_moves_the_deadline(areas, schools):
    services.import_terms("local_authority,school_year,term,starts_on,ends_on\n"
                          "BHM,2026,spring,2027-01-05,2027-03-26\n", actor="test")
    assert SchoolTerm.objects.filter(local_authority=areas["BHM"]).count() == 4
    assert _due(areas, schools, b.at(2026, 12, 18, 20), "BHM") == b.at(2027, 1, 5, 8, 30)


def test_new_term_dates_move_an_open_deadline(areas, schools):
    reported = b.at(2026, 12, 18, 20)
    assert _due(areas, schools, reported, "BHM") == b.at(2027, 1, 4, 8, 30)
    services.import_terms("local_authority,school_year,term,starts_on,ends_on\n"
                          "BHM,2026,spring,2027-01-06,2027-03-26\n", actor="test")
    assert Task.objects.get(kind="encompass").due_at == b.at(2027, 1, 6, 8, 30)
