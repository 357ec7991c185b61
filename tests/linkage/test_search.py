"""Search: each criterion alone and combined, ranking with reasons, scoping and auditing."""

from datetime import date

import pytest

from tests.factories import at, make_incident
from tests.linkage.helpers import record
from vigil.core.models import AuditEvent
from vigil.people.linkage import keys
from vigil.people.search import SearchError, SearchQuery, parse_dob, search

NOW = at(2026, 3, 1)


@pytest.fixture
def people(areas):
    william = record(forename="William", surname="Thompson", date_of_birth=date(1984, 6, 12),
                     sex="M", postcode="B15 2TT", address="12 High Street",
                     phone="07700 900123")
    jane = record(forename="Jane", surname="Smith", date_of_birth=date(1990, 3, 4),
                  postcode="CV1 1AA", address="3 Mill Lane", phone="024 7600 0000")
    jayne = record(forename="Jayne", surname="Smyth", date_of_birth=date(1991, 7, 7),
                   postcode="WV1 1AA", address="8 Queen Street", phone="")
    make_incident(areas["BHM"], at(2026, 1, 2), victim=jane, suspect=william)
    make_incident(areas["COV"], at(2026, 1, 3), victim=jayne)
    keys.refresh()
    return {"william": william, "jane": jane, "jayne": jayne}


def names(result):
    return [h.person.pk for h in result.hits]


def run(user, **terms):
    return search(user, SearchQuery(**terms), as_of=NOW, context="search")


@pytest.fixture
def desk(make_user):
    return make_user("da_desk")


def test_nickname_finds_the_formal_name(people, desk):
    result = run(desk, name="Bill Thompson")
    assert names(result) == [people["william"].person_id]
    assert "William is a form of Bill" in result.hits[0].reasons


def test_phonetic_and_typo_surnames_rank_below_the_exact(people, desk):
    result = run(desk, name="Jane Smith")
    assert names(result)[:2] == [people["jane"].person_id, people["jayne"].person_id]
    assert "surname exact" in result.hits[0].reasons
    assert any("sounds like" in r for r in result.hits[1].reasons)


def test_swapped_name_order_is_found(people, desk):
    result = run(desk, name="Thompson William")
    assert names(result)[0] == people["william"].person_id
    assert "forename and surname swapped" in result.hits[0].reasons


@pytest.mark.parametrize(("dob", "who"), [
    ("12/06/1984", "william"), ("1984-06-12", "william"), ("06/1984", "william"),
    ("1984", "william"), ("06/12/1984", "william"),  # day and month swapped
])
def test_date_of_birth_full_partial_or_swapped(people, desk, dob, who):
    assert names(run(desk, dob=dob)) == [people[who].person_id]


@pytest.mark.parametrize("bad", ["31/02/1990", "sometime in 1990", "13/2024"])
def test_bad_dates_are_refused_by_name(bad):
    with pytest.raises(SearchError, match="date of birth"):
        parse_dob(bad)


def test_phone_in_any_format(people, desk):
    assert names(run(desk, phone="+44 7700 900 123")) == [people["william"].person_id]
    assert "phone number" in run(desk, phone="07700900123").hits[0].reasons


def test_postcode_full_or_district_and_address(people, desk):
    assert names(run(desk, postcode="b152tt")) == [people["william"].person_id]
    assert names(run(desk, postcode="CV1")) == [people["jane"].person_id]
    assert names(run(desk, address="mill lane")) == [people["jane"].person_id]


def test_combined_criteria_rank_the_person_matching_more_first(people, desk):
    result = run(desk, name="Smith", dob="1991")
    assert names(result)[0] == people["jayne"].person_id
    assert set(result.hits[0].matched) == {"name", "dob"}


def test_name_dob_and_postcode_together_put_the_person_matching_all_first(people, desk):
    # Namesakes who share one or two of the three criteria must rank below Jane.
    same_dob = record(forename="Janet", surname="Smith", date_of_birth=date(1990, 3, 4),
                      postcode="B1 1AA")
    same_postcode = record(forename="Jane", surname="Smith", date_of_birth=date(1975, 1, 1),
                           postcode="CV1 1AA")
    keys.refresh()
    result = run(desk, name="Jane Smith", dob="04/03/1990", postcode="CV1 1AA")
    assert names(result)[0] == people["jane"].person_id
    assert set(result.hits[0].matched) == {"name", "dob", "postcode"}
    assert {"surname exact", "forename exact", "date of birth exact",
            "postcode exact"} <= set(result.hits[0].reasons)
    assert {same_dob.person_id, same_postcode.person_id} <= set(names(result)[1:])


def test_result_shows_roles_risk_orders_and_marac(people, desk):
    from vigil.marac.models import MaracReferral
    from vigil.orders.models import ProtectiveOrder
    from vigil.risk.models import RiskAssessment

    jane, william = people["jane"], people["william"]
    RiskAssessment.objects.create(
        source_system="CONNECT", source_id="R1", instrument="DASH27", victim=jane,
        assessed_at=at(2026, 1, 2), officer="PC 1", yes_count=15, actuarial_level=3,
        officer_level=3, final_level=3, final_set_by="DS 2")
    lpa = jane.incident_parties.first().incident.lpa
    ProtectiveOrder.objects.create(source_system="CONNECT", source_id="O1", order_type="DVPO",
                                   subject=william, lpa=lpa, status="live",
                                   ends_on=date(2026, 3, 20))
    MaracReferral.objects.create(source_system="MARAC", source_id="M1", victim=jane, lpa=lpa,
                                 referred_on=date(2026, 1, 5), visible_high_risk=True,
                                 status="awaiting")
    hit = run(desk, name="Jane Smith").hits[0]
    assert hit.roles == ["victim"]
    assert hit.risk.startswith("High")
    assert hit.marac.startswith("Awaiting hearing")
    suspect = run(desk, name="William Thompson").hits[0]
    assert suspect.roles == ["suspect"]
    assert suspect.live_orders == ["DVPO against them until 20 Mar 2026"]


def test_area_scoped_users_find_only_people_in_their_area(people, make_user, areas):
    coventry = make_user("da_desk", area=areas["COV"])
    assert names(run(coventry, name="Smith")) == [people["jayne"].person_id]


def test_roles_without_search_are_refused(people, make_user):
    with pytest.raises(PermissionError):
        run(make_user("analyst"), name="Smith")


def test_every_search_is_audited_with_its_terms_and_results(people, desk):
    run(desk, name="Jane Smith", dob="1990")
    event = AuditEvent.objects.get(action="search")
    assert event.user == desk and event.context == "search" and event.at == NOW
    assert event.detail["terms"] == {"name": "Jane Smith", "dob": "1990"}
    # Jane (name and date of birth) first, then Jayne Smyth (the name only).
    assert event.detail["persons"] == [people["jane"].person_id, people["jayne"].person_id]


def test_an_empty_search_is_refused(desk):
    with pytest.raises(SearchError):
        run(desk)
