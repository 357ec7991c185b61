from datetime import date

import pytest

from tests.analytics.builders import Tables, d, ts
from vigil.analytics import engine, pack
from vigil.core.policy import Policy

BHM, COV, SOL = 1, 2, 3


def hand_built() -> Tables:
    """The small force worked through by hand in test_kpis.py (Jan-Mar 2025)."""
    t = Tables()
    t.add("areas", id=100, code="WMP", name="West Midlands Police", kind="force")
    for id_, code, name, women in ((BHM, "BHM", "Birmingham", 470_000),
                                   (COV, "COV", "Coventry", 150_000),
                                   (SOL, "SOL", "Solihull", 90_000)):
        t.add("areas", id=id_, code=code, name=name, kind="lpa", parent_id=100,
              local_authority=name, adult_women=women)
    for code, parent in (("1", None), ("1A", "1"), ("2", None), ("15", None), ("16", None),
                         ("16A", "16")):
        t.add("outcome_codes", code=code, label=f"Outcome {code}", code_group="g",
              parent_code=parent)

    i1 = t.add("incidents", reported_at=ts("2025-01-10 09:00"), grade="priority", lpa_id=BHM)
    i2 = t.add("incidents", reported_at=ts("2025-02-14 18:00"), grade="priority", lpa_id=COV)
    i3 = t.add("incidents", reported_at=ts("2025-03-08 22:00"), grade="immediate", lpa_id=BHM)

    def crime(lpa, recorded, group="violence_with_injury", da=True, victim=True, **kw):
        cid = t.add("crimes", recorded_at=ts(recorded), offence_group=group, offence="x",
                    is_domestic_abuse=da, lpa_id=lpa, **kw)
        if victim:
            t.add("crime_parties", crime_id=cid, role="victim", person_key=f"v{cid}")
        t.add("crime_parties", crime_id=cid, role="suspect", person_key=f"s{cid}")
        return cid

    c1 = crime(BHM, "2025-01-10 08:00", cps_referred_at=ts("2025-01-15 10:00"))
    c2 = crime(BHM, "2025-01-31 23:30")
    c3 = crime(BHM, "2025-02-05 10:00", group="stalking_harassment")
    c4 = crime(COV, "2025-02-14 19:00", group="public_order", victim=False)
    c5 = crime(COV, "2025-03-01 00:30", da=False)
    c6 = crime(COV, "2025-03-10 10:00", group="violence_without_injury",
               cps_referred_at=ts("2025-03-15 10:00"))
    c7 = crime(BHM, "2024-12-20 10:00")
    for cid, code, at in ((c1, "1", "2025-01-20 10:00"), (c2, "16A", "2025-02-03 10:00"),
                          (c3, "1A", "2025-03-04 10:00"), (c5, "1", "2025-03-02 10:00"),
                          (c6, "15", "2025-03-20 10:00"), (c7, "2", "2025-01-05 10:00")):
        t.add("outcomes", crime_id=cid, code=code, outcome_at=ts(at))

    ro = t.add("orders", order_type="RO", lpa_id=BHM, served_at=ts("2024-06-01 10:00"),
               starts_on=d("2024-06-01"), status="live")
    nmo = t.add("orders", order_type="NMO", lpa_id=COV, starts_on=d("2024-09-01"),
                status="live")
    dvpn = t.add("orders", order_type="DVPN", lpa_id=BHM, subject_age=30,
                 served_at=ts("2025-02-01 10:00"), hearing_at=ts("2025-02-03 10:00"),
                 status="expired")
    dvpo = t.add("orders", order_type="DVPO", lpa_id=BHM, follows_id=dvpn,
                 applied_at=ts("2025-02-02 10:00"), served_at=ts("2025-02-03 11:00"),
                 starts_on=d("2025-02-03"), ends_on=d("2025-03-02"), status="expired")
    t.add("orders", order_type="DVPO", lpa_id=COV, applied_at=ts("2025-03-05 10:00"),
          hearing_at=ts("2025-03-06 10:00"), status="refused")
    spo1 = t.add("orders", order_type="SPO", lpa_id=BHM, applied_at=ts("2024-11-01 10:00"),
                  served_at=ts("2025-01-15 10:00"), starts_on=d("2025-01-15"), status="live")
    t.add("orders", order_type="ISPO", lpa_id=COV, applied_at=ts("2025-02-10 10:00"),
          status="applied")
    t.add("orders", order_type="SPO", lpa_id=BHM, applied_at=ts("2025-01-05 10:00"),
          hearing_at=ts("2025-02-20 10:00"), status="refused")
    t.add("order_checks", order_id=dvpo, checked_at=ts("2025-02-10 10:00"),
          victim_contacted=True, subject_checked=True, breach_found=False)
    t.add("order_checks", order_id=dvpo, checked_at=ts("2025-03-01 10:00"),
          victim_contacted=True, subject_checked=False, breach_found=False)
    t.add("order_breaches", order_id=spo1, reported_at=ts("2025-03-10 10:00"),
          reported_by="victim", result="charged")
    t.add("order_breaches", order_id=spo1, reported_at=ts("2025-03-20 10:00"),
          reported_by="police", result="nfa")
    t.add("order_breaches", order_id=ro, reported_at=ts("2025-03-04 10:00"),
          reported_by="victim", result="investigating")
    t.add("order_breaches", order_id=nmo, reported_at=ts("2025-01-20 10:00"),
          reported_by="victim", result="investigating")

    t.add("arrests", crime_id=c1, arrested_at=ts("2025-01-10 13:00"), disposal="charged",
          suspect_key="sA")
    t.add("arrests", crime_id=c2, arrested_at=ts("2025-02-01 01:00"),
          disposal="bail_conditions", suspect_key="sB")
    t.add("arrests", crime_id=c4, arrested_at=ts("2025-02-15 10:00"), disposal="rui",
          suspect_key="sC")
    breach_arrest = t.add("arrests", crime_id=None, for_breach_of_id=ro,
                          arrested_at=ts("2025-03-05 10:00"), disposal="bail", suspect_key="sD")
    # Bail: c2's suspect with conditions, the victim's views sought; the breach arrest's
    # bail has no conditions and no crime (not counted by the victim's-views measure).
    t.add("bail", arrest_id=2, granted_at=ts("2025-02-01 09:00"), victim_views_captured=True)
    t.add("bail", arrest_id=breach_arrest, granted_at=ts("2025-03-05 12:00"),
          victim_views_captured=False)
    t.add("wanted", crime_id=c1, suspect_key="sA", kind="arrest",
          wanted_from=ts("2025-01-05 10:00"), resolved_at=ts("2025-01-10 13:00"))
    t.add("wanted", crime_id=c4, suspect_key="sC", kind="arrest",
          wanted_from=ts("2025-02-15 10:00"))
    t.add("wanted", crime_id=c6, suspect_key="sC", kind="interview",
          wanted_from=ts("2025-03-11 10:00"))

    m1 = t.add("marac_meetings", lpa_id=BHM, held_on=d("2025-01-20"), capacity=16)
    m2 = t.add("marac_meetings", lpa_id=BHM, held_on=d("2025-03-03"), capacity=16)
    t.add("marac_meetings", lpa_id=COV, held_on=d("2025-02-24"), capacity=8)
    r1 = t.add("marac_referrals", lpa_id=BHM, referred_on=d("2025-01-06"),
               heard_on=d("2025-01-20"), status="heard", visible_high_risk=True,
               repeat_referral=False, meeting_id=m1, victim_key="vM")
    r2 = t.add("marac_referrals", lpa_id=BHM, referred_on=d("2025-01-25"),
               heard_on=d("2025-03-03"), status="heard", repeat_referral=True, meeting_id=m2,
               victim_key="vM")  # referred again 19 days after r1: a repeat
    # Actions (issue 11): a1 overdue at January's end, done in February; a2 carried
    # before it was overdue at February's end; a3 never done, due in March.
    t.add("marac_actions", referral_id=r1, agency="Housing", due_on=d("2025-01-31"),
          completed_on=d("2025-02-05"))
    t.add("marac_actions", referral_id=r1, agency="Police", due_on=d("2025-02-10"),
          carried_on=d("2025-02-20"))
    t.add("marac_actions", referral_id=r2, agency="Health", due_on=d("2025-03-20"))
    t.add("marac_referrals", lpa_id=COV, referred_on=d("2025-02-10"), status="awaiting",
          repeat_referral=False)
    t.add("marac_referrals", lpa_id=COV, referred_on=d("2025-02-12"), status="withdrawn",
          repeat_referral=False)

    t.add("risk_assessments", incident_id=i1, assessed_at=ts("2025-01-10 12:00"),
          final_level=3, yes_count=15)
    ra_cov = t.add("risk_assessments", crime_id=c4, assessed_at=ts("2025-02-14 20:00"),
                   final_level=1, yes_count=3)
    t.add("risk_assessments", incident_id=i2, assessed_at=ts("2025-02-14 21:00"),
          final_level=2, yes_count=11)
    # QA dip samples: two standard-risk assessments re-read; one reviewer disagrees. c7's
    # assessment was made before the window (so the DASH measures do not count it).
    ra_bhm = t.add("risk_assessments", crime_id=c7, assessed_at=ts("2024-12-20 12:00"),
                   final_level=1, yes_count=4)
    t.add("dip_sample_reviews", assessment_id=ra_bhm, reviewed_at=ts("2025-03-20 10:00"),
          agrees=False, proposed_level=2)
    t.add("dip_sample_reviews", assessment_id=ra_cov, reviewed_at=ts("2025-02-24 10:00"),
          agrees=True)
    t.add("dip_sample_reviews", assessment_id=ra_cov, reviewed_at=ts("2025-04-02 10:00"),
          agrees=False, proposed_level=3)  # after the window: not counted

    t.add("encompass_notifications", incident_id=i2, local_authority_id=COV,
          child_present=True, notified_at=ts("2025-02-15 08:30"), child_key="k1")
    t.add("encompass_notifications", incident_id=i2, local_authority_id=COV,
          child_present=False, notified_at=ts("2025-02-17 09:00"), child_key="k2")
    t.add("encompass_notifications", incident_id=i3, local_authority_id=BHM,
          child_present=True, notified_at=None, child_key="k3")
    # Every child owed a notification, with its task's deadline (k4 was never notified at
    # all: no notification row, still late).
    for inc, lpa, reported, due, notified, key in (
            (i2, COV, "2025-02-14 18:00", "2025-02-17 08:30", "2025-02-15 08:30", "k1"),
            (i2, COV, "2025-02-14 18:00", "2025-02-17 08:30", "2025-02-17 09:00", "k2"),
            (i3, BHM, "2025-03-08 22:00", "2025-03-10 08:30", None, "k3"),
            (i3, BHM, "2025-03-08 22:00", "2025-03-10 08:30", None, "k4")):
        t.add("encompass_duties", incident_id=inc, local_authority_id=lpa,
              reported_at=ts(reported), due_at=ts(due),
              notified_at=ts(notified) if notified else None, child_key=key)
        t.add("incident_parties", incident_id=inc, role="child", person_key=key)
    # Children's social care: i2 screened in 16 hours and referred 26 hours after the
    # decision (late); i3 never screened (late).
    t.add("child_screenings", incident_id=i2, local_authority_id=COV,
          screened_at=ts("2025-02-15 10:00"), decision="refer",
          referral_queued_at=ts("2025-02-16 12:00"), referred_at=ts("2025-02-16 12:00"))

    review = dict(positive_feedback=False, regraded=False, reopened=False,
                  risk_assessment_feedback=False, reassurance_given=True,
                  children_identified=False)
    t.add("log_reviews", **{**review, "incident_id": i1, "reviewed_at": ts("2025-01-11 10:00"),
                            "feedback": "direct", "positive_feedback": True, "regraded": True,
                            "children_identified": True,
                            "victim_blaming_language": False, "key_risk_factors_asked": True,
                            "asked_support_services": True})
    t.add("log_reviews", **{**review, "incident_id": i3, "reviewed_at": ts("2025-03-09 10:00"),
                            "feedback": "live", "reopened": True,
                            "risk_assessment_feedback": True, "victim_blaming_language": True,
                            "key_risk_factors_asked": False, "asked_support_services": False})

    # The DA desk: video in 8 minutes (i1), in 15 (i2, past the 10-minute target), none (i3).
    t.add("desk_contacts", incident_id=i1, recorded_at=ts("2025-01-10 09:30"),
          video_contact_at=ts("2025-01-10 09:08"), dash_taken=True, suicide_screened=True)
    t.add("desk_contacts", incident_id=i2, recorded_at=ts("2025-02-14 18:40"),
          video_contact_at=ts("2025-02-14 18:15"), dash_taken=False, suicide_screened=False)
    t.add("desk_contacts", incident_id=i3, recorded_at=ts("2025-03-08 22:30"),
          video_contact_at=None, dash_taken=True, suicide_screened=True)

    # Initial checks: the first exactly 24 h after receipt, the second a minute late; the
    # third 24.5 wall-clock hours after it was received on the Saturday before the clocks
    # went forward (30 Mar 2025), so 23.5 real hours: on time.
    t.add("dvds_applications", route="ask", applicant_type="partner", lpa_id=BHM,
          received_at=ts("2025-01-05 10:00"), decided_at=ts("2025-01-30 10:00"),
          decision="disclose", initial_checks_at=ts("2025-01-06 10:00"), form_quality="good",
          disclosed_at=ts("2025-02-02 10:00"))  # 28 days after receipt: in time
    t.add("dvds_applications", route="ask", applicant_type="third_party", lpa_id=COV,
          received_at=ts("2025-01-20 10:00"), decided_at=ts("2025-02-25 10:00"),
          decision="no_disclosure", initial_checks_at=ts("2025-01-21 10:01"),
          form_quality="poor")
    t.add("dvds_applications", route="know", applicant_type="police", lpa_id=BHM,
          received_at=ts("2025-03-29 12:00"), decided_at=ts("2025-03-31 10:00"),
          decision="withdrawn", initial_checks_at=ts("2025-03-30 12:30"))

    # Support referrals: c1's exactly 2 days after the crime was recorded, c3's a minute
    # late; c2's and c6's victims were never referred.
    care1 = t.add("victim_care", crime_id=c1, needs_assessed_at=ts("2025-01-12 10:00"),
                  contact_plan_at=ts("2025-01-12 10:00"), victim_key="v1",
                  support_referred_at=ts("2025-01-12 08:00"))
    care3 = t.add("victim_care", crime_id=c3, needs_assessed_at=ts("2025-02-06 10:00"),
                  victim_key="v3", support_referred_at=ts("2025-02-07 10:01"))
    care6 = t.add("victim_care", crime_id=c6, needs_assessed_at=ts("2025-04-02 10:00"),
                  victim_key="v6")
    # Victims' Code updates: two in January (Birmingham), one in March in each of
    # Coventry and Birmingham. c1's arrest on Friday 10 Jan was told on the Saturday (in
    # time); c2's on Saturday 1 Feb never was. c3's first regular update came 33 days
    # after the crime was recorded (late); c1's 20 days after the arrest update (in time).
    for care, reason, told in ((care1, "arrest", "2025-01-11 09:00"),
                               (care1, "monthly", "2025-01-31 23:30"),
                               (care6, "charge", "2025-03-16 10:00"),
                               (care3, "monthly", "2025-03-10 10:00")):
        t.add("victim_updates", care_id=care, reason=reason, told_at=ts(told))
    return t


WINDOW = engine.Window(date(2025, 1, 1), date(2025, 3, 31))


@pytest.fixture(scope="session")
def hand_pack():
    con = engine.connect_tables(hand_built().arrow(), WINDOW, Policy())
    result = pack.run_pack(con, WINDOW)
    con.close()
    return result


@pytest.fixture
def small_force(db, areas, tmp_path, settings):
    """A few months of records built with the shared factories, snapshotted into a fresh
    data dir that the web app and CLI read."""
    from tests import factories
    from tests.factories import at
    from vigil.analytics import queries
    from vigil.analytics.snapshot import take_snapshot
    from vigil.incidents.models import Outcome, OutcomeCode
    from vigil.marac.models import MaracReferral

    settings.DATA_DIR = tmp_path
    code_1, _ = OutcomeCode.objects.get_or_create(code="1", defaults={
        "label": "Charged/summonsed", "group": "Charge/summons"})
    for month in range(1, 13):
        victim = factories.make_person("Victim", f"V{month}")
        crime = factories.make_crime(areas["BHM"], at(2025, month, 10), victim=victim)
        factories.make_incident(areas["COV"], at(2025, month, 11), victim=victim)
        if month % 2:
            Outcome.objects.create(source_system="CONNECT", source_id=f"O{month}", crime=crime,
                                   code=code_1, outcome_at=at(2025, month, 20))
        MaracReferral.objects.create(source_system="MARAC", source_id=f"M{month}",
                                     victim=victim, lpa=areas["BHM"],
                                     referred_on=date(2025, month, 3), visible_high_risk=True,
                                     status="heard", heard_on=date(2025, month, 17))
    take_snapshot(tmp_path)
    queries._CACHE.clear()
    return tmp_path
