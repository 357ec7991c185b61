"""MARAC measures counted from the referral records themselves (issues 11 and 15 item 8).

- Repeat rate: a referral is a repeat when the same victim was referred (in any LPA)
  within `marac_repeat_window_days` before it: day 365 is a repeat, day 366 is not; the
  rules' own answer (`marac.rules.repeat_of`), never the imported flag.
- Cases awaiting MARAC: a proposed referral is not a case; a withdrawn case waits until
  its withdrawal date, a transferred one until it was transferred out; a withdrawal with
  no date is never counted. The board report's weekly table counts the same way.
"""

from datetime import date, timedelta

import pytest

from tests.analytics.builders import Tables
from vigil.analytics import engine, pack
from vigil.analytics.marac_weekly import marac_weekly
from vigil.core.policy import Policy
from vigil.marac.rules import repeat_of

BHM, COV = 1, 2
FORCE = None


def _force() -> Tables:
    t = Tables()
    t.add("areas", id=100, code="WMP", name="West Midlands Police", kind="force")
    for id_, code, name in ((BHM, "BHM", "Birmingham"), (COV, "COV", "Coventry")):
        t.add("areas", id=id_, code=code, name=name, kind="lpa", parent_id=100,
              local_authority=name, adult_women=100_000)
    return t


def _run(t: Tables, first: date, as_of: date):
    window = engine.Window(first, as_of)
    con = engine.connect_tables(t.arrow(), window, Policy())
    try:
        return pack.run_pack(con, window)
    finally:
        con.close()


# --- repeat rate ---------------------------------------------------------------------

LATER = date(2025, 6, 16)
WINDOW_DAYS = Policy().marac_repeat_window_days


@pytest.mark.parametrize(("days", "repeat"), [
    (1, True), (364, True), (WINDOW_DAYS, True), (WINDOW_DAYS + 1, False), (500, False),
    (0, False),  # the same day is not "before"
])
def test_repeat_rate_is_the_rules_answer_at_the_boundary(days, repeat):
    t = _force()
    earlier = LATER - timedelta(days=days)
    # The earlier referral in another LPA, and long before the months measured.
    t.add("marac_referrals", lpa_id=COV, referred_on=earlier, status="heard",
          heard_on=earlier, victim_key="v1", repeat_referral=False)
    # The imported flag says the opposite of the rules: the measure ignores it.
    t.add("marac_referrals", lpa_id=BHM, referred_on=LATER, status="awaiting",
          victim_key="v1", repeat_referral=not repeat)
    result = _run(t, date(2025, 6, 1), date(2025, 6, 30))
    june = result.period("marac_repeat_rate", date(2025, 6, 1), date(2025, 6, 1), BHM)
    assert (june["num"], june["den"]) == (int(repeat), 1)
    # The same answer as the rules' helper and the referral service.
    assert (repeat_of([earlier], LATER, WINDOW_DAYS) is not None) is repeat


def test_repeat_rate_leaves_out_proposed_referrals_and_other_victims():
    t = _force()
    june = date(2025, 6, 10)
    # v1: only a proposal before, so the June referral is new.
    t.add("marac_referrals", lpa_id=BHM, referred_on=date(2025, 3, 1), status="proposed",
          victim_key="v1", repeat_referral=False)
    t.add("marac_referrals", lpa_id=BHM, referred_on=june, status="awaiting",
          victim_key="v1", repeat_referral=True)
    # v2: a referral before (withdrawn, but a referral all the same): a repeat.
    t.add("marac_referrals", lpa_id=BHM, referred_on=date(2025, 2, 1), status="withdrawn",
          withdrawn_on=date(2025, 2, 5), victim_key="v2", repeat_referral=False)
    t.add("marac_referrals", lpa_id=BHM, referred_on=june, status="awaiting",
          victim_key="v2", repeat_referral=False)
    # v3: someone else's earlier referral does not make v3 a repeat.
    t.add("marac_referrals", lpa_id=BHM, referred_on=june, status="awaiting",
          victim_key="v3", repeat_referral=True)
    # A proposal in June is not yet a referral: not in the denominator.
    t.add("marac_referrals", lpa_id=BHM, referred_on=june, status="proposed",
          victim_key="v2", repeat_referral=True)
    result = _run(t, date(2025, 6, 1), date(2025, 6, 30))
    got = result.period("marac_repeat_rate", date(2025, 6, 1), date(2025, 6, 1), BHM)
    assert (got["num"], got["den"]) == (1, 3)
    assert result.period("marac_referrals", date(2025, 6, 1), date(2025, 6, 1),
                         BHM)["value"] == 3


# --- cases awaiting MARAC --------------------------------------------------------------

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
REFERRED = date(2025, 1, 20)


def _ending(kind: str, on: date | None) -> Tables:
    """One Birmingham case referred on 20 January that stopped waiting on `on`."""
    t = _force()
    if kind == "withdrawn":
        t.add("marac_referrals", lpa_id=BHM, referred_on=REFERRED, status="withdrawn",
              withdrawn_on=on, victim_key="v1")
    else:
        rid = t.add("marac_referrals", lpa_id=BHM, referred_on=REFERRED, status="transferred",
                    victim_key="v1")
        if on is not None:
            t.add("marac_transfers", referral_id=rid, from_lpa_id=BHM, to_lpa_id=COV,
                  transferred_on=on)
    return t


# (kind, stopped waiting on, awaiting at the end of Jan, Feb, Mar)
ENDINGS = [
    ("withdrawn", date(2025, 2, 28), (1, 0, 0)),  # the last day of February: gone by then
    ("withdrawn", date(2025, 3, 1), (1, 1, 0)),   # the first of March: waiting at February's end
    ("withdrawn", None, (0, 0, 0)),               # no date: never counted
    ("transferred", date(2025, 2, 28), (1, 0, 0)),
    ("transferred", date(2025, 3, 1), (1, 1, 0)),
    ("transferred", None, (0, 0, 0)),
]


@pytest.mark.parametrize(("kind", "on", "expected"), ENDINGS,
                         ids=[f"{k}-{o}" for k, o, _ in ENDINGS])
def test_a_case_withdrawn_or_transferred_waits_until_that_day(kind, on, expected):
    result = _run(_ending(kind, on), JAN, date(2025, 3, 31))
    got = tuple(result.period("marac_backlog", m, m, BHM)["num"] for m in (JAN, FEB, MAR))
    assert got == expected
    assert tuple(result.period("marac_backlog", m, m, FORCE)["num"]
                 for m in (JAN, FEB, MAR)) == expected


def test_a_transfer_in_from_outside_the_region_does_not_end_the_wait():
    t = _force()
    rid = t.add("marac_referrals", lpa_id=BHM, referred_on=REFERRED, status="awaiting",
                victim_key="v1")
    t.add("marac_transfers", referral_id=rid, from_lpa_id=None, to_lpa_id=BHM,
          transferred_on=REFERRED)
    result = _run(t, JAN, date(2025, 3, 31))
    assert result.period("marac_backlog", MAR, MAR, BHM)["num"] == 1


def test_a_proposed_referral_is_not_awaiting_a_hearing():
    t = _force()
    t.add("marac_referrals", lpa_id=BHM, referred_on=REFERRED, status="proposed",
          victim_key="v1")
    t.add("marac_referrals", lpa_id=BHM, referred_on=REFERRED, status="awaiting",
          victim_key="v2")
    t.add("marac_referrals", lpa_id=BHM, referred_on=REFERRED, status="heard",
          heard_on=date(2025, 2, 3), victim_key="v3")
    result = _run(t, JAN, date(2025, 3, 31))
    assert result.period("marac_backlog", JAN, JAN, BHM)["num"] == 2  # v2, v3
    assert result.period("marac_backlog", FEB, FEB, BHM)["num"] == 1  # v2
    assert result.period("marac_referrals", JAN, JAN, BHM)["num"] == 2
    per_10k = result.period("marac_cases_per_10k_women", JAN, JAN, BHM)
    assert per_10k["num"] == 2


@pytest.mark.parametrize(("kind", "on"), [(k, o) for k, o, _ in ENDINGS])
def test_the_reports_weekly_table_counts_as_the_backlog_measure(kind, on):
    t = _ending(kind, on)
    window = engine.Window(JAN, date(2025, 3, 31))
    con = engine.connect_tables(t.arrow(), window, Policy())
    try:
        table = marac_weekly(con, date(2025, 3, 7), weeks=7)
    finally:
        con.close()
    bhm = next(r for r in table["rows"] if r["code"] == "BHM")
    awaiting = dict(zip(table["weeks"], bhm["awaiting"], strict=True))
    for week_end, n in awaiting.items():
        waiting = on is not None and REFERRED <= week_end < on
        assert n == int(waiting), week_end


def marac_cases() -> Tables:
    """Every case above in one force (the Spark parity test runs the pack over it)."""
    t = _force()
    for n, (kind, on, _) in enumerate(ENDINGS):
        key = f"e{n}"
        if kind == "withdrawn":
            t.add("marac_referrals", lpa_id=BHM, referred_on=REFERRED, status="withdrawn",
                  withdrawn_on=on, victim_key=key)
        else:
            rid = t.add("marac_referrals", lpa_id=COV, referred_on=REFERRED,
                        status="transferred", victim_key=key)
            if on is not None:
                t.add("marac_transfers", referral_id=rid, from_lpa_id=COV, to_lpa_id=BHM,
                      transferred_on=on)
        # Referred again 365 and 366 days later (in 2026: outside the window, the history).
        t.add("marac_referrals", lpa_id=BHM, referred_on=REFERRED + timedelta(days=365 + n % 2),
              status="awaiting", victim_key=key)
        t.add("marac_referrals", lpa_id=BHM, referred_on=REFERRED + timedelta(days=n),
              status="proposed", victim_key=key)
    return t


def test_the_combined_force_counts_each_case_once():
    result = _run(marac_cases(), JAN, date(2025, 3, 31))
    expected = [sum(e[i] for _, _, e in ENDINGS) for i in range(3)]
    assert [result.period("marac_backlog", m, m, FORCE)["num"] for m in (JAN, FEB, MAR)] == \
        expected
