"""The generated force's breaches: every breach found at a weekly check is a breach found
by police (seed 000 §5.7 tracks police-found against victim-reported), so the breach
measures have data in the demo; and court orders carry the day they were made."""

import csv
from collections import Counter


def _rows(folder, name):
    with open(folder / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_each_breach_found_at_a_check_is_a_police_found_breach(force_dir):
    found = {(c["order"], c["checked_at"]) for c in _rows(force_dir, "order_checks")
             if c["breach_found"].lower() in ("true", "1", "yes", "y")}
    breaches = _rows(force_dir, "order_breaches")
    police = {(b["order"], b["reported_at"]) for b in breaches if b["reported_by"] == "police"}
    assert found, "no check found a breach"
    assert found <= police
    by = Counter(b["reported_by"] for b in breaches)
    # Police-found breaches are a real share, but victims report most.
    assert 0.05 < by["police"] / sum(by.values()) < 0.5
    assert by["victim"] > by["police"]


def test_dvpos_granted_carry_the_day_the_court_made_them(force_dir):
    dvpos = [o for o in _rows(force_dir, "orders")
             if o["order_type"] == "DVPO" and o["status"] in ("live", "expired")]
    assert dvpos and all(o["made_on"] for o in dvpos)
    assert all(o["made_on"] == o["starts_on"] for o in dvpos)
