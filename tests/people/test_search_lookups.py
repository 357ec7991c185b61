"""Search internals that its speed depends on: the name vocabulary, tiered lookups that
stop early, one-query summaries, and SQL built for both databases."""

from datetime import date

import pytest
from django.db import connection

from tests.factories import at, make_incident, make_person
from vigil.people.linkage import keys, normalise
from vigil.people.models import NameVocab
from vigil.people.search import SearchQuery, search
from vigil.people.search_candidates import in_list, rows

NOW = at(2026, 3, 1)
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                   reason="trigram and word indexes are PostgreSQL's")


def run(user, **terms):
    return search(user, SearchQuery(**terms), as_of=NOW, context="search")


def ids(result):
    return [h.person.pk for h in result.hits]


@pytest.fixture
def desk(make_user):
    return make_user("da_desk")


def test_every_written_key_adds_its_names_to_the_vocabulary(db):
    record = make_person(surname="Okonkwo", forename="Chidi")
    keys.refresh()
    vocab = set(NameVocab.objects.values_list("kind", "value", "sound"))
    assert ("s", "okonkwo", normalise.phonetic("okonkwo")) in vocab
    assert ("f", "chidi", normalise.phonetic("chidi")) in vocab
    # Rewriting the key with a new surname (a correction at source) adds it too.
    record.surname = "Okonkwo-Bell"
    record.save()
    keys.refresh([record.pk])
    assert NameVocab.objects.filter(kind="s", value="okonkwobell").exists()


def test_fill_adds_the_names_keys_written_without_the_trigger_have(db):
    make_person(surname="Adeyemi", forename="Tunde")
    keys.refresh()
    NameVocab.objects.all().delete()  # as if written with the trigger off
    NameVocab.fill()
    NameVocab.fill()  # and again: nothing twice
    assert set(NameVocab.objects.values_list("kind", "value")) == {
        ("s", "adeyemi"), ("f", "tunde")}


def test_the_best_matches_are_found_among_many_namesakes(areas, desk):
    """More namesakes than one lookup fetches: the exact person and the one matching
    more criteria still come first, and the page holds `limit` people."""
    for i in range(130):
        make_person(surname="Smith", forename=f"Name{chr(97 + i % 26)}{i}",
                    dob=date(1960, 1, 1 + i % 28))
    jane = make_person(surname="Smith", forename="Jane", dob=date(1990, 3, 4))
    janet = make_person(surname="Smith", forename="Janet", dob=date(1971, 5, 6))
    keys.refresh()
    result = run(desk, name="Jane Smith")
    assert ids(result)[0] == jane.person_id
    assert len(result.hits) == 25 and result.truncated
    by_dob = run(desk, name="Smith", dob="06/05/1971")
    assert ids(by_dob)[0] == janet.person_id
    assert set(by_dob.hits[0].matched) == {"name", "dob"}


def test_an_area_user_gets_their_own_namesake_below_many_hidden_better_ones(areas, make_user):
    # 30 "Jane Smith"s in Birmingham (more than a page, fewer than a lookup's cap)
    # outrank Coventry's Ann Smith, who shares only the surname: the closer lookups
    # settle a page the Coventry user may not see, so the search must go on to the
    # surname-only lookup to find her.
    for i in range(30):
        make_incident(areas["BHM"], at(2026, 1, 2), victim=make_person(
            surname="Smith", forename="Jane", dob=date(1980, 1, 1 + i % 28)))
    ann = make_person(surname="Smith", forename="Ann", dob=date(1970, 1, 1))
    make_incident(areas["COV"], at(2026, 1, 3), victim=ann)
    keys.refresh()
    result = run(make_user("da_desk", area=areas["COV"]), name="Jane Smith")
    assert ids(result) == [ann.person_id]
    assert result.hits[0].reasons == ["surname exact"]


def test_summary_shows_the_latest_risk_and_counts_every_source_record(areas, desk):
    from vigil.risk.models import RiskAssessment

    jane = make_person(surname="Smith", forename="Jane", dob=date(1990, 3, 4))
    make_person(surname="Smith", forename="Jane", dob=date(1990, 3, 4), person=jane.person,
                system="MARAC")
    make_incident(areas["BHM"], at(2026, 1, 2), victim=jane)
    for n, (when, level) in enumerate([(at(2026, 2, 10), 3), (at(2026, 2, 20), 1),
                                       (at(2026, 3, 30), 2)]):  # the last is after NOW
        RiskAssessment.objects.create(
            source_system="CONNECT", source_id=f"R{n}", instrument="DASH27", victim=jane,
            assessed_at=when, officer="PC 1", yes_count=5, actuarial_level=level,
            officer_level=level, final_level=level, final_set_by="DS 2")
    keys.refresh()
    hit = run(desk, name="Jane Smith").hits[0]
    assert str(hit.person) == str(jane.person) == "Jane SMITH"  # shown as the person page does
    assert hit.source_count == 2
    assert hit.risk == "Standard (20 Feb 2026)"
    assert hit.roles == ["victim"]


@postgres_only
def test_a_typo_in_the_surname_is_found_through_the_vocabulary(areas, desk):
    # "smiht" sounds nothing like "smith" (Metaphone SMT / SM0): only trigram
    # similarity over the vocabulary finds it.
    jane = make_person(surname="Smith", forename="Jane", dob=date(1990, 3, 4))
    keys.refresh()
    hit = run(desk, name="Jane Smiht").hits[0]
    assert hit.person.pk == jane.person_id
    assert "surname spelt like Smiht" in hit.reasons


def test_part_of_an_address_and_the_end_of_a_phone_number(areas, desk):
    jane = make_person(surname="Smith", forename="Jane", address="3 Mill Lane",
                       phone="024 7600 0123")
    make_person(surname="Jones", forename="Ann", address="3 Mill Road", phone="")
    keys.refresh()
    assert ids(run(desk, address="ill la")) == [jane.person_id]
    assert ids(run(desk, address="mill lane")) == [jane.person_id]
    result = run(desk, phone="600 0123")
    assert ids(result) == [jane.person_id]
    assert result.hits[0].reasons == ["phone ending 6000123"]


@pytest.mark.parametrize("values", [
    ['plain', 'a"quote', "back\\slash", "o'brien", "{brace}", "com,ma", ""],
    [1, 2, 3_000_000_000],
    [date(1990, 3, 4), date(2001, 12, 31)],
])
def test_in_list_matches_exactly_the_values_given(db, values):
    sql, params = in_list("v", values)
    table = " UNION ALL ".join(["SELECT %s AS v"] * len(values))
    found = rows(f"SELECT v FROM ({table}) t WHERE {sql}", [*values, *params])
    # SQLite hands dates back as text.
    assert sorted(str(v) for (v,) in found) == sorted(str(v) for v in values)
    if connection.vendor == "postgresql":
        assert sql.count("%s") == 1  # one array parameter, whatever the length
