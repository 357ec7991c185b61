"""Every KPI on the hand-built force in conftest.hand_built(), answers worked out by hand.

Edge cases: c4 has no outcome yet (denominator only); c2's and c3's outcomes fall in a later
month than the crime; c7 was recorded before the window but its outcome counts in January;
c5 is not DA; Solihull has no cases at all; an arrest with no crime counts for the force only.
"""

from datetime import date

import pytest

from tests.analytics.conftest import BHM, COV, SOL
from vigil.analytics import catalogue

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
Q = (JAN, MAR)
FORCE = None

# (kpi, first month, last month, lpa, expected value); None = no denominator.
CASES = [
    ("da_crimes_recorded", JAN, JAN, BHM, 2),  # c2 at 23:30 on 31 Jan is January
    ("da_crimes_recorded", FEB, FEB, COV, 1),
    ("da_crimes_recorded", *Q, FORCE, 5),  # c5 not DA, c7 before the window
    ("da_crimes_recorded", *Q, SOL, 0),
    ("da_incidents_recorded", *Q, FORCE, 3),
    ("da_incidents_recorded", MAR, MAR, BHM, 1),
    ("positive_outcome_rate", JAN, JAN, BHM, 100.0),  # c1 and c7 / c1 and c2
    ("positive_outcome_rate", FEB, FEB, FORCE, 0.0),  # c4 has no outcome yet
    ("positive_outcome_rate", MAR, MAR, BHM, None),  # c3's outcome, no crimes recorded
    ("positive_outcome_rate", MAR, MAR, FORCE, 100.0),
    ("positive_outcome_rate", *Q, FORCE, 60.0),  # 3 / 5
    ("positive_outcome_rate", *Q, SOL, None),
    ("positive_outcomes", *Q, FORCE, 3),
    ("positive_outcomes", MAR, MAR, BHM, 1),  # 1A counts with its parent 1
    ("charge_summons_rate", *Q, FORCE, 40.0),  # c1 (1) and c3 (1A) / 5
    ("outcome_15_share", MAR, MAR, FORCE, 50.0),  # c6 of c3, c6
    ("outcome_15_share", *Q, FORCE, 20.0),
    ("outcome_16_share", FEB, FEB, BHM, 100.0),  # 16A is a sub-code of 16
    ("outcome_16_share", *Q, FORCE, 20.0),
    ("victim_outcome_rate", *Q, FORCE, 75.0),  # c1, c7, c3 / c1, c2, c3, c6 (c4 state-based)
    ("stalking_harassment_por", FEB, FEB, FORCE, 0.0),
    ("stalking_harassment_por", *Q, FORCE, 100.0),
    ("stalking_por", *Q, FORCE, None),  # no stalking here; see test_board_measures
    ("harassment_por", *Q, FORCE, 100.0),  # c3 (offence not naming stalking)
    ("cps_referrals", *Q, FORCE, 2),
    ("cps_referrals", MAR, MAR, COV, 1),
    ("days_report_to_charge", JAN, JAN, FORCE, 10.0),
    ("days_report_to_charge", *Q, FORCE, 18.5),  # (10 + 27) / 2
    ("arrests", *Q, FORCE, 4),  # includes the breach arrest with no crime
    ("arrests", *Q, BHM, 2),
    ("arrests_per_100_crimes", *Q, FORCE, 80.0),
    ("arrests_per_100_crimes", *Q, BHM, pytest.approx(200 / 3)),
    ("bail_share", *Q, FORCE, 50.0),
    ("outstanding_suspects", JAN, JAN, FORCE, 0),  # sA resolved on 10 Jan
    ("outstanding_suspects", *Q, COV, 1),  # sC wanted twice counts once
    ("ro_breaches_reported", *Q, BHM, 1),
    ("ro_breach_arrests", MAR, MAR, BHM, 1),
    ("nmo_breaches_reported", JAN, JAN, COV, 1),
    ("nmo_breach_arrests", *Q, FORCE, 0),
    ("dvpn_rate", *Q, FORCE, 50.0),  # 1 DVPN / arrests on c1, c2 (c4 not violent)
    ("dvpn_rate", FEB, FEB, BHM, 100.0),
    ("dvpo_granted", *Q, FORCE, 1),
    ("dvpo_refused", MAR, MAR, COV, 1),
    # Weeks, not months: the DVPN's one week and the DVPO's weeks ending 10, 17 and 24 Feb;
    # the 10 Feb check meets the DVPO's first week only (one check in February is 1 of 4).
    ("dvpo_check_compliance", FEB, FEB, FORCE, 25.0),
    ("dvpo_check_compliance", MAR, MAR, FORCE, 0.0),  # week to 3 Mar: the check incomplete
    ("dvpo_check_compliance", *Q, FORCE, 20.0),
    ("order_breaches_police_found", MAR, MAR, BHM, 1),
    ("order_breaches_police_found", JAN, JAN, FORCE, 0),
    ("order_breaches_victim_reported", *Q, FORCE, 3),
    ("order_breaches_victim_reported", MAR, MAR, BHM, 2),
    ("nmo_breaches_arrested", JAN, JAN, COV, 0.0),  # no arrest for the NMO breach
    ("spo_breach_nfa", *Q, FORCE, 50.0),
    ("spo_breach_under_investigation", *Q, FORCE, 0.0),
    ("spo_live", JAN, JAN, BHM, 1),
    ("spo_live", *Q, FORCE, 1),  # a stock: the last month, not the sum
    ("spo_obtained", *Q, FORCE, 1),
    ("spo_in_progress", JAN, JAN, FORCE, 1),  # later refused, hearing in February
    ("spo_in_progress", FEB, FEB, BHM, 0),
    ("spo_in_progress", MAR, MAR, COV, 1),
    ("spo_breaches", MAR, MAR, BHM, 2),
    ("spo_breach_charged", *Q, FORCE, 50.0),
    ("marac_referrals", *Q, FORCE, 4),
    ("marac_referrals", *Q, SOL, 0),
    ("marac_backlog", JAN, JAN, FORCE, 1),
    ("marac_backlog", FEB, FEB, FORCE, 2),  # r2 and r3; withdrawn r4 excluded
    ("marac_backlog", *Q, FORCE, 1),
    ("marac_days_to_hearing", JAN, JAN, BHM, 14.0),
    ("marac_actions_overdue", JAN, JAN, BHM, 1),  # a1: due 31 Jan, done 5 Feb
    ("marac_actions_overdue", FEB, FEB, FORCE, 0),  # a1 done, a2 carried on 20 Feb
    ("marac_actions_overdue", MAR, MAR, FORCE, 1),  # a3
    ("marac_actions_overdue", *Q, FORCE, 1),  # a stock: the last month
    ("marac_meeting_load", JAN, JAN, BHM, 6.25),  # 1 case of 16
    ("marac_meeting_load", FEB, FEB, COV, 0.0),
    ("marac_meeting_load", *Q, FORCE, 5.0),  # 2 cases of 16 + 16 + 8
    ("marac_days_to_hearing", *Q, FORCE, 25.5),
    ("marac_heard_within_limit", *Q, FORCE, 50.0),  # 37 days is over the 28-day limit
    ("marac_repeat_rate", JAN, JAN, BHM, 50.0),
    ("marac_repeat_rate", *Q, FORCE, 25.0),
    ("marac_cases_per_10k_women", *Q, FORCE, pytest.approx(4 * 365 / (71 * 90))),
    ("marac_cases_per_10k_women", *Q, BHM, pytest.approx(2 * 365 / (47 * 90))),
    ("marac_cases_per_10k_women", *Q, SOL, 0.0),
    ("dash_high_risk_share", *Q, FORCE, pytest.approx(100 / 3)),
    ("dash_high_risk_share", FEB, FEB, COV, 0.0),
    ("encompass_on_time", FEB, FEB, COV, 50.0),  # Saturday on time; Monday 09:00 late
    ("encompass_on_time", MAR, MAR, BHM, 0.0),  # never sent, and never even composed
    ("encompass_on_time", *Q, FORCE, 25.0),  # 1 of 4 children (k4 has no notification)
    ("csc_screened_in_time", FEB, FEB, COV, 100.0),  # 16 hours
    ("csc_screened_in_time", MAR, MAR, BHM, 0.0),  # never screened
    ("csc_screened_in_time", *Q, FORCE, 50.0),
    ("csc_referred_in_time", FEB, FEB, COV, 0.0),  # sent 26 hours after the decision
    ("csc_referred_in_time", MAR, MAR, BHM, None),  # no decision to refer
    ("logs_reviewed", *Q, FORCE, 2),
    ("review_feedback_direct", JAN, JAN, BHM, 1),
    ("review_feedback_line_manager", *Q, FORCE, 0),
    ("review_feedback_live", MAR, MAR, BHM, 1),
    ("review_positive_feedback", *Q, FORCE, 1),
    ("review_regraded", *Q, FORCE, 1),
    ("review_reopened", MAR, MAR, FORCE, 1),
    ("review_risk_feedback", JAN, JAN, FORCE, 0),
    ("review_victim_blaming_share", *Q, FORCE, 50.0),
    ("review_victim_blaming_share", JAN, JAN, FORCE, 0.0),
    ("review_key_risks_asked_share", MAR, MAR, FORCE, 0.0),
    ("review_support_services_share", *Q, FORCE, 50.0),
    ("review_reassurance_share", *Q, FORCE, 100.0),
    ("review_children_identified_share", *Q, FORCE, 50.0),
    ("review_children_identified_share", MAR, MAR, FORCE, 0.0),
    ("desk_video_contact_share", *Q, FORCE, pytest.approx(200 / 3)),
    ("desk_rvr_within_target", *Q, FORCE, 50.0),  # no-video i3 not counted
    ("desk_rvr_within_target", JAN, JAN, BHM, 100.0),  # 8 minutes
    ("desk_rvr_within_target", FEB, FEB, COV, 0.0),  # 15 minutes
    ("desk_dash_taken_share", *Q, FORCE, pytest.approx(200 / 3)),
    ("desk_suicide_screened_share", FEB, FEB, COV, 0.0),
    ("desk_suicide_screened_share", *Q, FORCE, pytest.approx(200 / 3)),
    ("dvds_applications", *Q, FORCE, 3),
    ("dvds_disclosure_rate", *Q, FORCE, 50.0),  # withdrawn excluded
    ("dvds_decided_in_time", JAN, JAN, BHM, 100.0),  # 25 days
    ("dvds_decided_in_time", FEB, FEB, COV, 0.0),  # 36 days
    ("vcop_needs_assessment", *Q, FORCE, pytest.approx(200 / 3)),  # c6's is after as-of
    ("vcop_contact_plan", *Q, FORCE, pytest.approx(100 / 3)),
    ("dip_sample_disagreement_rate", *Q, FORCE, 50.0),  # 1 of 2 (April's is out)
    ("dip_sample_disagreement_rate", MAR, MAR, BHM, 100.0),  # c7 is Birmingham
    ("dip_sample_disagreement_rate", FEB, FEB, COV, 0.0),  # c4 is Coventry, agreed
    ("dip_sample_disagreement_rate", *Q, SOL, None),  # none reviewed
    ("vcop_updates_given", JAN, JAN, BHM, 2),  # 23:30 on 31 Jan is January
    ("vcop_updates_given", *Q, FORCE, 4),
    ("vcop_updates_given", MAR, MAR, BHM, 1),
    ("vcop_updates_on_time", JAN, JAN, BHM, 100.0),  # Friday's arrest told on Saturday
    ("vcop_updates_on_time", FEB, FEB, BHM, 0.0),  # Saturday's arrest never told
    # c2 bailed with conditions: its arrest and its bail, neither told; c4 has no victim,
    # the breach arrest no crime.
    ("vcop_updates_on_time", *Q, FORCE, pytest.approx(100 / 3)),
    ("vcop_support_referral_on_time", JAN, JAN, BHM, 50.0),  # c1 on the minute; c2 never
    ("vcop_support_referral_on_time", FEB, FEB, BHM, 0.0),  # a minute late
    ("vcop_support_referral_on_time", *Q, FORCE, 25.0),
    ("vcop_regular_updates_on_time", JAN, JAN, BHM, 100.0),
    ("vcop_regular_updates_on_time", MAR, MAR, BHM, 0.0),  # 33 days after recording
    ("vcop_regular_updates_on_time", *Q, SOL, None),
    ("bail_victim_views", *Q, FORCE, 100.0),  # the breach's bail: no conditions, no crime
    ("bail_victim_views", FEB, FEB, BHM, 100.0),
    ("dvds_checks_in_time", JAN, JAN, FORCE, 50.0),  # 24 h on time; 24 h 1 min late
    ("dvds_checks_in_time", MAR, MAR, BHM, 100.0),  # 23.5 real hours across the change
    ("dvds_form_quality_poor", *Q, FORCE, 50.0),  # unrated forms left out
    ("dvds_form_quality_poor", JAN, JAN, COV, 100.0),
    ("dvds_disclosed_in_time", FEB, FEB, BHM, 100.0),  # 28 days: in time
    ("vcop_updates_given", *Q, SOL, 0),
    ("rui_nfa_share", *Q, FORCE, 25.0),  # c4 released under investigation, of 4
    ("rui_nfa_share", JAN, JAN, BHM, 0.0),  # c1 charged
    ("out_of_court_resolutions", *Q, FORCE, 0),  # none here; see test_kpi_counting
]


@pytest.mark.parametrize("kpi_id,first,last,lpa,expected", CASES,
                         ids=[f"{c[0]}-{c[1]:%b}-{c[2]:%b}-{c[3]}" for c in CASES])
def test_kpi_on_hand_built_force(hand_pack, kpi_id, first, last, lpa, expected):
    got = hand_pack.period(kpi_id, first, last, lpa)["value"]
    assert got == expected


def test_every_kpi_has_a_hand_worked_case():
    covered = {c[0] for c in CASES}
    assert {k.id for k in catalogue.load_all()} - covered == set()


def test_monthly_series_fills_months_without_rows(hand_pack):
    series = hand_pack.monthly("marac_referrals", SOL)
    assert [(m["month"], m["value"]) for m in series] == [(JAN, 0.0), (FEB, 0.0), (MAR, 0.0)]


def test_by_lpa_lists_every_lpa_including_empty_ones(hand_pack):
    rows = {r["code"]: r["value"] for r in hand_pack.by_lpa("da_crimes_recorded", JAN, MAR)}
    assert rows == {"BHM": 3.0, "COV": 2.0, "SOL": 0.0}


def test_control_room_measures_show_their_change_since_the_baseline_month(hand_pack):
    from dataclasses import replace

    from vigil.analytics.queries import since_baseline
    from vigil.core.policy import Policy

    policy = replace(Policy(), log_review_baseline_month="2025-01")
    shown = since_baseline(hand_pack, policy, catalogue.get("review_children_identified_share"),
                           None, MAR)
    assert (shown["before"], shown["now"], shown["change"], shown["relative"]) == (
        "100.0%", "0.0%", "-100.0 pts", "-100%")
    assert shown["direction"]["word"] == "Worse"
    # Other commitments' measures, and a baseline not before the month shown: none.
    assert since_baseline(hand_pack, policy, catalogue.get("marac_referrals"), None, MAR) is None
    later = replace(Policy(), log_review_baseline_month="2025-03")
    assert since_baseline(hand_pack, later, catalogue.get("logs_reviewed"), None, MAR) is None
