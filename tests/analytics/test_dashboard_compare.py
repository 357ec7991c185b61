"""Dashboards that compare (issue 15 item 6): each measure's own RAG, better or worse by
its direction, the LPA beside the force and its rank among the other LPAs."""

import pytest

from vigil.analytics import catalogue
from vigil.analytics.queries import rank_lpas

AS_OF = "2025-11-30"


@pytest.fixture
def client_for(client, make_user):
    def _login(role, area=None):
        user = make_user(role, area=area)
        client.force_login(user)
        return client, user

    return _login


def _lpas(*values):
    return [{"lpa_id": i, "name": name, "value": v}
            for i, (name, v) in enumerate(zip("ABCDE", values, strict=False), 1)]


@pytest.mark.parametrize("kpi_id,values,expected", [
    # higher is better: best first; equal figures share a rank, the next rank skips.
    ("positive_outcome_rate", (10.0, 30.0, 30.0, 5.0), [("B", 1), ("C", 1), ("A", 3),
                                                        ("D", 4)]),
    # lower is better
    ("marac_days_to_hearing", (20.0, 12.5, 31.0), [("B", 1), ("A", 2), ("C", 3)]),
    # no figure: no rank, listed last
    ("positive_outcome_rate", (None, 1.0), [("B", 1), ("A", None)]),
    # neutral: no ranking, name order
    ("da_crimes_recorded", (5.0, 9.0), [("A", None), ("B", None)]),
])
def test_lpas_rank_by_the_measures_direction(kpi_id, values, expected):
    ranked = rank_lpas(catalogue.get(kpi_id), _lpas(*values))
    assert [(r["name"], r["rank"]) for r in ranked] == expected


def test_an_lpa_shows_its_rag_beside_the_forces_and_its_rank(small_force, client_for):
    client, _ = client_for("analyst")
    page = client.get("/analytics/", {"as_of": AS_OF, "lpa": "BHM"})
    assert page.status_code == 200
    rows = {r["kpi"].id: r for g in page.context["groups"] for r in g["rows"]}
    # Every Birmingham referral was heard in 14 days: 100 % against 95/85, green for the
    # LPA and the force (all the force's referrals are Birmingham's).
    heard = rows["marac_heard_within_limit"]
    assert (heard["rag"]["rating"], heard["rag"]["force"]) == ("green", "green")
    assert "green >= 95" in heard["rag"]["rule"]
    assert heard["rank"] == "1 of 1"  # no other LPA has a referral to rank
    assert rows["da_crimes_recorded"]["rag"] is None  # no rule on it: not rated
    assert rows["da_crimes_recorded"]["rank"] is None  # neither direction is better
    html = page.content.decode()
    assert "Rank among LPAs" in html and "No rule: not rated" in html


def test_an_lpa_commander_is_not_ranked_against_lpas_they_cannot_see(small_force, client_for,
                                                                     areas):
    client, _ = client_for("lpa_commander", area=areas["BHM"])
    page = client.get("/analytics/", {"as_of": AS_OF})
    rows = [r for g in page.context["groups"] for r in g["rows"]]
    assert {r["rank"] for r in rows} == {None}
    assert "Rank among LPAs" not in page.content.decode()


def test_kpi_page_ranks_every_lpa_best_first_beside_the_force(small_force, client_for):
    client, _ = client_for("analyst")
    page = client.get("/analytics/kpi/positive_outcome_rate/", {"as_of": AS_OF})
    by_lpa = page.context["by_lpa"]
    assert by_lpa[0]["code"] == "BHM" and by_lpa[0]["rank"] == 1
    assert {r["rank"] for r in by_lpa[1:]} == {None}  # no crimes: no rate to rank
    assert page.context["force_display"] == by_lpa[0]["display"]
    # Seed 000's year-end, best month and extra positive outcomes, on the measure's page.
    assert "This year to date there have been 4 positive outcomes" in page.context["facts"]


def test_outcome_16_page_breaks_it_down_by_sub_code(small_force, client_for):
    from vigil.analytics import queries
    from vigil.analytics.snapshot import take_snapshot
    from vigil.incidents.models import OutcomeCode

    sixteen, _ = OutcomeCode.objects.get_or_create(code="16", defaults={
        "label": "Victim does not support action", "group": "Evidential difficulties"})
    OutcomeCode.objects.create(code="16X", label="Local: withdrew", group="Evidential",
                               parent=sixteen)
    take_snapshot(small_force)
    queries._CACHE.clear()
    client, _ = client_for("analyst")
    page = client.get("/analytics/kpi/outcome_16_share/", {"as_of": AS_OF})
    rows = page.context["subcodes"]
    assert [(r["code"], r["num"]) for r in rows] == [("16", 0), ("16X", 0)]
    assert "By sub-code" in page.content.decode() and "Local: withdrew" in page.content.decode()
