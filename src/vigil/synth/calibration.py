"""Measure a generated folder against the calibration targets (tests, benchmarks, docs).

Reads the CSV files back (pandas) and returns plain figures; "per year" figures
are over the last 365 days of the history and divided by the scale.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from vigil.core.policy import current
from vigil.synth.clock import next_school_day_start
from vigil.synth.writer import TRUTH_DIR, TRUTH_FILE

POSITIVE = ("1", "1A", "2", "2A", "3", "3A", "4", "6", "7", "8")
VIOLENT = ("violence_with_injury", "violence_without_injury", "sexual")


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _ts(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s.replace("", None), utc=True, format="ISO8601")


def _month(s: pd.Series) -> pd.Series:
    local = s.dt.tz_convert("Europe/London")
    return local.dt.year * 12 + local.dt.month


def measure(folder: Path, scale: float, end: str = "2026-10-31") -> dict[str, float]:
    folder = Path(folder)
    end_ts = pd.Timestamp(end, tz="Europe/London") + pd.Timedelta(days=1)
    last_year = end_ts - pd.Timedelta(days=365)
    m: dict[str, float] = {}

    inc = _read(folder, "incidents")
    inc["t"] = _ts(inc.reported_at)
    recent_inc = inc[inc.t >= last_year]
    m["incidents_per_year"] = len(recent_inc) / scale
    crimes = _read(folder, "crimes")
    crimes["t"] = _ts(crimes.recorded_at)
    recent_crimes = crimes[crimes.t >= last_year]
    m["crimes_per_year"] = len(recent_crimes) / scale

    lpa_share = recent_inc.lpa.value_counts(normalize=True)
    areas = _read(folder, "areas")
    women = areas[areas.kind == "lpa"].set_index("code").adult_women.astype(float)
    m["lpa_share_max_error"] = float((lpa_share - women / women.sum()).abs().max())

    local = inc.t.dt.tz_convert("Europe/London")
    by_month = inc.groupby(local.dt.month).size()
    m["peak_month"] = int(by_month.idxmax())
    daily = inc.groupby(local.dt.date).size()
    days = pd.Series(daily.index, index=daily.index)
    month_day = days.map(lambda d: (d.month, d.day))
    festive = daily[month_day.map(lambda md: md >= (12, 24) or md == (1, 1))]
    early = daily[month_day.map(lambda md: md[0] == 12 and md[1] <= 20)]
    if len(festive) and len(early):
        m["christmas_over_early_december"] = float(festive.mean() / early.mean())
    crimes_per_incident = crimes.groupby(crimes.incident).size().reindex(
        inc.source_system + ":" + inc.source_id).fillna(0).values
    brk = pd.Timestamp(current().counting_rule_break, tz="Europe/London")
    before = (inc.t < brk).values
    if before.any():
        m["crimes_per_incident_before_break"] = float(crimes_per_incident[before].mean())
    if (~before).any():
        m["crimes_per_incident_after_break"] = float(crimes_per_incident[~before].mean())
    m["july_over_april"] = float(by_month[7] / by_month[4])

    arrests = _read(folder, "arrests")
    arrests = arrests[arrests.for_breach_of == ""]
    crime_arrests = arrests[arrests.crime != ""]
    m["arrests_per_100_crimes"] = 100 * crime_arrests.crime.nunique() / len(crimes)
    disposals = crime_arrests.disposal.value_counts(normalize=True)
    m["bailed_share"] = float(disposals.get("bail_conditions", 0) + disposals.get("bail", 0))
    bail = _read(folder, "bail")
    m["bail_victim_views_share"] = float((bail.victim_views_captured == "true").mean())
    m["rui_share"] = float(disposals.get("rui", 0))
    m["nfa_share"] = float(disposals.get("nfa", 0))
    m["wanted"] = len(_read(folder, "wanted")) / scale

    out = _read(folder, "outcomes")
    sub = _read(folder, "outcome_codes")
    parent = dict(zip(sub.code, sub.parent, strict=True))  # a sub-code counts with its parent
    codes = out.code.map(lambda c: parent.get(c) or c).value_counts(normalize=True)
    m["outcome_16_share"] = float(codes.get("16", 0))
    m["outcome_15_share"] = float(codes.get("15", 0))
    m["positive_share"] = float(codes[codes.index.isin(POSITIVE)].sum())
    out = out.merge(crimes[["source_system", "source_id", "t"]].assign(
        crime=crimes.source_system + ":" + crimes.source_id), on="crime", how="left",
        suffixes=("", "_crime"))
    out["at"] = _ts(out.outcome_at)
    m["outcomes_before_crime"] = int((out["at"] < out["t"]).sum())
    m["outcome_in_later_month_share"] = float(
        (_month(out["at"]) != _month(out["t"])).mean())
    last_month = crimes[crimes.t >= end_ts - pd.Timedelta(days=30)]
    m["open_share_last_month"] = float(1 - last_month.assign(
        ref=last_month.source_system + ":" + last_month.source_id).ref.isin(out.crime).mean())

    ra = _read(folder, "risk_assessments")
    answers = _read(folder, "risk_answers")
    yes = answers[answers.answer == "Y"].groupby("assessment").size()
    ra_ref = ra.source_system + ":" + ra.source_id
    m["yes_count_mismatches"] = int((ra.yes_count.astype(int).values
                                     != yes.reindex(ra_ref).fillna(0).astype(int).values).sum())
    m["high_risk_share"] = float((ra.final_level == "3").mean())
    m["ric24_share"] = float((ra.instrument == "RIC24").mean())
    m["supervised_share"] = float((ra.supervisor != "").mean())

    mr = _read(folder, "marac_referrals")
    mr["on"] = pd.to_datetime(mr.referred_on)
    recent_mr = mr[mr.on >= last_year.tz_localize(None)]
    m["marac_referrals_per_year"] = len(recent_mr) / scale
    # Populations scale with the force, so this needs no division by the scale.
    m["marac_cases_per_10k_women"] = len(recent_mr) / float(women.sum()) * 10_000
    m["marac_repeat_share"] = float((recent_mr.repeat_referral == "true").mean())
    for crit in ("visible_high_risk", "professional_judgement", "potential_escalation",
                 "repeat_referral"):
        m[f"marac_{crit}_share"] = float((mr[crit] == "true").mean())
    heard = mr[mr.status == "heard"]
    days = (pd.to_datetime(heard.heard_on) - heard.on).dt.days
    m["marac_hearing_8_20_share"] = float(days.between(8, 20).mean())
    m["marac_over_28_share"] = float((days > 28).mean())
    m["marac_median_days"] = float(days.median())
    m["marac_cases_per_meeting"] = float(heard.groupby("meeting").size().mean())
    m["marac_transfers"] = len(_read(folder, "marac_transfers"))
    m["marac_actions"] = len(_read(folder, "marac_actions"))

    orders = _read(folder, "orders")
    orders["served"] = _ts(orders.served_at)
    orders["hearing"] = _ts(orders.hearing_at)
    dvpn = orders[orders.order_type == "DVPN"]
    violent = crimes[crimes.offence_group.isin(VIOLENT)]
    violent_refs = violent.source_system + ":" + violent.source_id
    violent_arrests = crime_arrests[crime_arrests.crime.isin(violent_refs)]
    m["dvpn_per_violent_arrest"] = len(dvpn) / max(1, len(violent_arrests))
    dvpo = orders[orders.order_type == "DVPO"]
    m["dvpn_followed_by_dvpo_share"] = float(dvpn.assign(
        ref=dvpn.source_system + ":" + dvpn.source_id).ref.isin(dvpo.follows).mean())
    decided = dvpo[dvpo.status.isin(["live", "expired", "refused"])]
    m["dvpo_refused_share"] = float((decided.status == "refused").mean())
    made = dvpo[dvpo.status.isin(["live", "expired"])]
    length = (pd.to_datetime(made.ends_on) - pd.to_datetime(made.starts_on)).dt.days
    m["dvpo_days_min"], m["dvpo_days_max"] = float(length.min()), float(length.max())
    spo = orders[orders.order_type == "SPO"]
    m["spo_live"] = float((spo.status == "live").sum()) / scale
    breaches = _read(folder, "order_breaches")
    breaches["t"] = _ts(breaches.reported_at)
    kinds = breaches.merge(orders.assign(order=orders.source_system + ":" + orders.source_id)
                           [["order", "order_type"]], on="order")
    recent_breaches = kinds[kinds.t >= last_year]
    m["nmo_breaches_per_year"] = float((recent_breaches.order_type == "NMO").sum()) / scale
    m["ro_breaches_per_year"] = float(recent_breaches.order_type.isin(["RO", "ROA"]).sum()) / scale
    m["dapo_orders"] = int(orders.order_type.isin(["DAPN", "DAPO", "IDAPO"]).sum())
    checks = _read(folder, "order_checks")
    checks["t"] = _ts(checks.checked_at)
    m["order_checks_last_year"] = float((checks.t >= last_year).sum())
    per_order = checks.groupby("order").size()
    made = made.assign(ref=made.source_system + ":" + made.source_id,
                       due=(length / 7).apply(math.ceil), t=made.served)
    made = made[pd.to_datetime(made.ends_on) < end_ts.tz_localize(None) - pd.Timedelta(days=1)]
    made["done"] = per_order.reindex(made.ref).fillna(0).values
    first_year = made[made.t < made.t.min() + pd.Timedelta(days=365)]
    later = made[made.t >= last_year]
    m["dvpo_check_compliance"] = float(later.done.sum() / max(1, later.due.sum()))
    m["dvpo_check_compliance_first_year"] = float(first_year.done.sum()
                                                  / max(1, first_year.due.sum()))

    persons = _read(folder, "persons")
    truth = pd.read_csv(folder / TRUTH_DIR / TRUTH_FILE, dtype=str)
    m["persons"] = len(persons)
    m["truth_rows"] = len(truth)
    m["true_people"] = truth.true_person_id.nunique()
    truth_ref = truth.source_system + ":" + truth.source_id
    parties = _read(folder, "incident_parties")
    victims = parties[parties.role == "victim"].merge(
        pd.DataFrame({"person": truth_ref, "true": truth.true_person_id}), on="person")
    victims = victims.merge(inc.assign(incident=inc.source_system + ":" + inc.source_id)
                            [["incident", "t"]], on="incident").sort_values(["true", "t"])
    gap = victims.groupby("true").t.diff()
    victims["repeat"] = gap <= pd.Timedelta(days=365)
    m["repeat_victim_share"] = float(victims[victims.t >= last_year].repeat.mean())
    suspects = parties[parties.role == "suspect"].merge(
        pd.DataFrame({"person": truth_ref, "true": truth.true_person_id}), on="person")
    pairs = suspects[["incident", "true"]].merge(victims[["incident", "true"]], on="incident",
                                                 suffixes=("_s", "_v"))
    per_perp = pairs.groupby("true_s").true_v.nunique()
    m["serial_perpetrators"] = int((per_perp >= 2).sum())
    children = parties[parties.role == "child"]
    m["incidents_with_children_share"] = children.incident.nunique() / len(inc)

    enc = _read(folder, "encompass")
    m["encompass_notified_share"] = float((enc.notified_at != "").mean())
    m["encompass_home_educated"] = int((enc.school == "").sum())
    enc = enc.merge(inc.assign(incident=inc.source_system + ":" + inc.source_id)
                    [["incident", "t"]], on="incident")
    deadline = enc.t.map(lambda t: next_school_day_start(int(t.timestamp())))
    notified = _ts(enc.notified_at).map(lambda t: t.timestamp() if pd.notna(t) else None)
    m["encompass_on_time_share"] = float((notified <= deadline).mean())
    dv = _read(folder, "dvds_applications")
    dv["t"] = _ts(dv.received_at)
    m["dvds_per_year"] = float((dv.t >= last_year).sum()) / scale
    dec = dv[dv.decided_at != ""]
    m["dvds_within_28_days_share"] = float(
        ((_ts(dec.decided_at) - dec.t) <= pd.Timedelta(days=28)).mean())
    lr = _read(folder, "log_reviews")
    m["log_reviews_per_year"] = float((_ts(lr.reviewed_at) >= last_year).sum()) / scale
    m["first_log_review"] = str(_ts(lr.reviewed_at).min().date()) if len(lr) else ""
    care = _read(folder, "victim_care")
    m["victim_care_per_crime"] = len(care) / len(crimes)
    m["victim_updates"] = len(_read(folder, "victim_updates"))
    m["vulnerabilities"] = len(_read(folder, "vulnerabilities"))
    return m
