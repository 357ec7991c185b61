"""Every configurable threshold in one place, with its default and its source.

A force overrides any value in a JSON file named by VIGIL_POLICY_FILE, e.g.
{"marac_escalation_window_days": 183}. Every flag and task records
`policy.version`, so a user can see which rules were in force.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property, lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Policy:
    # --- Risk assessment (domain.md "Risk assessment"; SafeLives)
    high_risk_yes_count: int = 14  # "visible high risk"
    medium_risk_yes_count: int | None = 10  # optional local band 10-13; None disables
    high_risk_share_expected: float = 0.10  # CAADA expectation; WMP had 5 %
    qa_dip_sample_share: float = 0.05  # of standard-risk assessments, per LPA per week
    # Local practice: a final risk level stands for a year unless a new DASH replaces it.
    risk_level_valid_days: int = 365

    # --- Victims (HMIC recommendation 1; default definitions)
    repeat_victim_window_days: int = 365
    vulnerable_age_under: int = 18
    vulnerable_age_from: int = 65

    # --- Perpetrators (seed 003; MATAC practice)
    escalation_same_victim_count: int = 3
    escalation_different_victims_count: int = 2
    escalation_window_days: int = 365
    serial_window_days: int = 3 * 365
    # Local practice (not in domain.md): an escalation is reviewed by investigators
    # within a working day; MATAC-style serial flag thresholds and gravity weights.
    escalation_review_working_days: int = 1
    serial_min_offences: int = 3
    serial_min_victims: int = 2
    serial_recency_half_life_days: int = 180
    offence_gravity: tuple[tuple[str, int], ...] = (
        ("sexual", 5), ("violence_with_injury", 4), ("stalking_harassment", 3),
        ("coercive_control", 3), ("breach_of_order", 3), ("violence_without_injury", 2),
        ("criminal_damage", 1), ("public_order", 1), ("other", 1),
    )

    # --- MARAC (SafeLives)
    marac_escalation_incidents: int = 3
    marac_escalation_window_days: int = 365  # some areas use 183 (3 in 6 months)
    marac_repeat_window_days: int = 365
    marac_hearing_limit_days: int = 28
    marac_cases_per_meeting: int = 16
    marac_expected_per_10k_women: float = 40.0
    # Local practice: the coordinator reviews a proposed referral (and the IDVA
    # referral) within a working day of the criterion being met.
    marac_referral_working_days: int = 1
    # Meetings: fortnightly (14) by default; an LPA may meet monthly (28), by LPA code.
    marac_meeting_interval_days: int = 14
    marac_meeting_interval_by_lpa: tuple[tuple[str, int], ...] = ()
    marac_meeting_time: str = "10:00"  # local practice: when a MARAC starts, for invitations
    marac_meeting_hours: float = 3.0
    marac_national_repeat_rate: float = 0.31  # SafeLives national repeat rate
    marac_agencies: tuple[str, ...] = (
        "Police", "IDVA service", "Children's Services", "Adult Social Care", "Housing",
        "Health", "Mental Health Trust", "Probation", "Education", "Substance misuse service")
    # The agenda sections partner agencies get when the victim has not consented
    # (shared on a lawful basis: only what the risk needs; no incident history detail).
    marac_sections_without_consent: tuple[str, ...] = (
        "risk", "orders", "previous_marac", "children", "actions")

    # --- Deadlines
    ra_review_hours: int = 24
    high_risk_contact_days: int = 1
    medium_risk_contact_working_days: int = 5
    notice_hearing_hours: int = 48  # DVPN->DVPO, DAPN->DAPO (law)
    order_notification_days: int = 3  # DAPO, SPO (law)
    order_check_interval_days: int = 7
    dvds_initial_checks_hours: int = 24
    dvds_decision_days: int = 28
    vcop_update_working_days: int = 1
    vcop_support_referral_days: int = 2
    vcop_regular_update_days: int = 30
    order_expiry_notice_days: int = 7  # local practice: review an order a week before it ends
    # Operation Encompass: reception (4) to 17; a school day starts at this local time.
    encompass_age_from: int = 4
    encompass_age_to: int = 17
    school_day_start: str = "08:30"
    # Local practice (seeds 000 §4.4, 004): every DA incident with a child is screened for
    # children's social care within a day, and a referral the screening decides on is sent
    # (the multi-agency referral form) within a day of the decision.
    csc_screening_hours: int = 24
    csc_referral_hours: int = 24
    # A first rules run over years of history opens only duties due in the last N days;
    # older duties are history for the KPIs. Once open, a task stays until it is done.
    task_backfill_days: int = 90
    # Local practice: how far ahead a task may be rescheduled (the rules' own due time
    # is kept for the KPIs), and how soon before its due time a holder gets a notice.
    task_reschedule_max_days: int = 90
    task_due_soon_hours: int = 4

    # --- The front door (issue 14): control-room log review (seed 000 s3.7), the DA desk
    # and Referral & Allocation (seed 003), and counting a crime with its incident.
    # A scheduled (appointment) log attended later than this is sampled for review.
    log_review_delay_hours: int = 24
    # "Advice given" trawls: logs closed without deployment of these grades are sampled;
    # logs of any grade closed without attendance are sampled when risk was identified.
    log_review_trawl_grades: tuple[str, ...] = ("resolution",)
    log_review_random_share: float = 0.02  # of each day's other DA logs, seeded by the day
    log_review_baseline_month: str = "2025-03"  # the pilot's start: measures' change since
    # Acting on a review's regrade or reopen: hours to re-attend, by the new grade.
    log_followup_hours: tuple[tuple[str, int], ...] = (
        ("immediate", 1), ("priority", 4), ("scheduled", 48), ("resolution", 24))
    # The DA desk's criteria (seed 003): these grades, new in the last N hours.
    da_desk_grades: tuple[str, ...] = ("priority", "scheduled")
    da_desk_window_hours: int = 24
    rvr_target_minutes: int = 10  # Rapid Video Response: to an officer in about 10 minutes
    deployment_sla_hours: int = 24  # officer deployment SLA the RVR is set beside
    # A crime with no incident link is the same event as the victim's incident reported
    # at most this many days before it (docs/safeguarding-rules.md "One event").
    crime_incident_same_event_days: int = 7

    # --- Outcomes
    positive_outcome_codes: tuple[str, ...] = ("1", "1A", "2", "2A", "3", "3A", "4", "6", "7",
                                               "8")
    counting_rule_break: str = "2023-06-01"  # HOCR "one crime per report" change

    # --- Orders
    dvpn_rate_expected_low: float = 0.05
    dvpn_rate_expected_high: float = 0.16
    # Police ranks, lowest first, and the lowest that may authorise each notice
    # (CSA 2010 s.24: superintendent; DA Act 2021 s.22: inspector).
    police_ranks: tuple[str, ...] = ("constable", "sergeant", "inspector", "chief inspector",
                                     "superintendent", "chief superintendent")
    notice_min_rank: tuple[tuple[str, str], ...] = (("DVPN", "superintendent"),
                                                    ("DAPN", "inspector"))
    # Local practice (seed 000 §5.4): a breach goes to the next daily risk meeting, which
    # sits every working day, for the suspect's arrest.
    breach_meeting_working_days: int = 1
    # Lists for daily meetings: bail and RUI cases coming due within this many days.
    bail_due_soon_days: int = 7
    # Local practice: a released-under-investigation case is reviewed at three months.
    rui_review_days: int = 90

    # --- Record linkage (docs/linkage-and-search.md; tuned on FEBRL 4 and the synthetic force)
    link_match_probability: float = 0.95  # at or above: the same person, linked automatically
    link_review_probability: float = 0.50  # from here up to the match level: human review
    # Placeholder identities: values source systems use for "not known". They are
    # never evidence and never a blocking key (compared as missing). Matched on the
    # normalised value (docs/linkage-and-search.md "Placeholders"); a force adds its own.
    link_placeholder_names: tuple[str, ...] = (
        "unknown", "unk", "nk", "notknown", "not known", "none", "noname", "no name", "anon",
        "anonymous", "refused", "withheld", "notgiven", "not given", "x", "xx", "xxx", "zz",
        "zzz", "male", "female", "baby", "unborn", "unnamed", "personunknown", "test")
    link_placeholder_dobs: tuple[str, ...] = (
        "1900-01-01", "1901-01-01", "1899-12-31", "1800-01-01", "1111-11-11", "0001-01-01",
        "9999-12-31")
    link_placeholder_phones: tuple[str, ...] = ("00000000000", "01234567890", "07000000000")
    link_placeholder_postcodes: tuple[str, ...] = ("NFA", "ZZ999ZZ", "ZZ99ZZ", "XX11XX")
    link_placeholder_addresses: tuple[str, ...] = (
        "no fixed abode", "nfa", "no fixed address", "unknown", "not known", "nk", "none",
        "homeless", "refused", "withheld")
    # Bounded memory: a blocking key value shared by more records than this (a
    # placeholder the list misses, a hostel's address) makes no pairs by that rule.
    link_block_max_records: int = 1000
    # Self-calibration: retrain (prior and m/u) when the record count moved by this
    # fraction since the model in use was trained, from this many records up.
    link_retrain_change: float = 0.25
    link_retrain_min_records: int = 1000
    # Train on a uniform sample of at most this many records (the prior, m and u
    # survive uniform sampling; people/linkage/calibration.py).
    link_train_max_records: int = 200_000
    # Review queue order: records joined x this weight when either person has a
    # high-risk DASH or a MARAC referral (people/linkage/priority.py).
    link_review_risk_weight: float = 4.0
    # Link a pair holding a full name no other record holds, with nothing against
    # it (people/linkage/pipeline.sole_name): more recall, a little precision.
    link_sole_names: bool = True
    # ... only where fewer records than this are expected to hold the name by chance
    # (forename count x surname count / records: pipeline.chance_holders).
    link_sole_name_max_chance: float = 1.0
    # Link a pair in the review band holding the same phone and a name or date of
    # birth, with nothing against it (pipeline.shared_phone): a phone is one
    # person's. A force whose records share household landlines sets it false.
    link_shared_phones: bool = True
    # Queue pairs with nothing but a name in common that a third record holds too
    # (pipeline.namesake): a reviewer has only the name to go on.
    link_review_namesakes: bool = False

    overrides: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def version(self) -> str:
        """A short, stable fingerprint of the values in force (hashed once per
        instance: rules and reports ask for it per row)."""
        values = {k: v for k, v in asdict(self).items() if k != "overrides"}
        digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=list).encode())
        return f"p-{digest.hexdigest()[:10]}"

    def actuarial_level(self, yes_count: int) -> int:
        """Risk level from the count of Yes answers: 1 standard, 2 medium, 3 high."""
        if yes_count >= self.high_risk_yes_count:
            return 3
        if self.medium_risk_yes_count is not None and yes_count >= self.medium_risk_yes_count:
            return 2
        return 1

    def gravity(self, offence_group: str) -> int:
        return dict(self.offence_gravity).get(offence_group, 1)


def load(path: str | Path | None) -> Policy:
    """The default policy with a force's overrides applied; unknown keys are errors."""
    if not path:
        return Policy()
    overrides = json.loads(Path(path).read_text(encoding="utf-8"))
    known = {f.name for f in fields(Policy)} - {"overrides"}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"{path}: unknown policy settings: {', '.join(unknown)}")
    for name, value in overrides.items():
        if isinstance(value, list) and isinstance(getattr(Policy, name, None), tuple):
            overrides[name] = tuple(value)  # JSON lists for the tuple settings
    if "offence_gravity" in overrides:
        gravity = overrides["offence_gravity"]
        items = gravity.items() if isinstance(gravity, dict) else gravity
        overrides["offence_gravity"] = tuple((str(k), int(v)) for k, v in items)
    return replace(Policy(), overrides=overrides, **overrides)


@lru_cache(maxsize=1)
def current() -> Policy:
    from django.conf import settings

    return load(getattr(settings, "VIGIL_POLICY_FILE", None))
