"""Human labels for task kinds: the one mapping every page, notice and email uses.

A kind is the rules' internal code (`safeguarding_contact`); users read the label.
A kind not listed here (a team adds one before its label) is shown in plain words
rather than as a code, and tests/safeguarding/test_kinds.py fails until it is added.
"""

from __future__ import annotations

LABELS: dict[str, str] = {
    "ra_review": "Referral & Allocation review",
    "qa_dip_sample": "QA dip sample of a risk assessment",
    "dash_breach": "DASH level below its answers: supervise",
    "log_followup": "Control-room log regraded or reopened: act on it",
    "safeguarding_contact": "Safeguarding contact with the victim",
    "escalation_review": "Escalating perpetrator review",
    "marac_referral": "Proposed MARAC referral",
    "idva_referral": "IDVA referral",
    "marac_hearing": "MARAC hearing within 28 days",
    "marac_action": "MARAC action due: chase the owning agency",
    "encompass": "Operation Encompass notification to school",
    "csc_screening": "Children's social care screening",
    "csc_referral": "Children's social care referral",
    "dvpo_hearing": "DVPO hearing within 48 hours of the DVPN",
    "dapo_hearing": "DAPO hearing within 48 hours of the DAPN",
    "order_notification": "Notify the order to the victim and partners",
    "order_expiry": "Order about to expire: review",
    "order_check": "Weekly order compliance check",
    "order_breach": "Order breach: daily risk meeting, for arrest",
    "dvds_initial_checks": "Clare's Law: initial checks",
    "dvds_decision": "Clare's Law: disclosure decision",
    "dvds_disclosure": "Clare's Law: make the disclosure",
    "vcop_support_referral": "Victims' Code: refer to support",
    "vcop_update": "Victims' Code: update the victim",
    "vcop_monthly": "Victims' Code: monthly update",
}


def label(kind: str) -> str:
    """The label of a task kind; an unknown kind in plain words, never as a code."""
    return LABELS.get(kind) or kind.replace("_", " ").capitalize()


def choices(kinds) -> list[tuple[str, str]]:
    """(kind, label) pairs sorted by label, for a filter's options."""
    return sorted(((k, label(k)) for k in set(kinds)), key=lambda kv: kv[1])
