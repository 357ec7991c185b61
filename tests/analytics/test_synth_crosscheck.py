"""For the synthetic force, a sample of KPIs recomputed in plain Python from the import
files agrees with the SQL over the snapshot (generate -> import -> snapshot -> DuckDB)."""

import csv
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from vigil.analytics.engine import Window, connect
from vigil.analytics.pack import run_pack
from vigil.analytics.snapshot import take_snapshot
from vigil.core.policy import Policy
from vigil.ingest.importer import import_dir
from vigil.synth.generate import Options, generate

LONDON = ZoneInfo("Europe/London")
END = date(2025, 12, 31)


def read(folder, name):
    with open(folder / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def local(text):
    return datetime.fromisoformat(text).astimezone(LONDON).replace(tzinfo=None)


def month(dt):
    return date(dt.year, dt.month, 1)


@pytest.fixture
def force(db, tmp_path):
    gen = tmp_path / "gen"
    generate(Options(out_dir=gen, years=1, scale=0.004, seed=5, end=END))
    import_dir(gen, actor="test", progress=False)
    take_snapshot(tmp_path)
    window = Window(date(2024, 1, 1), END)
    con = connect(tmp_path, window, Policy())
    pack = run_pack(con, window)
    con.close()
    return gen, pack


def inside(counts):
    """Only months up to the as-of date (the generator's tails can run past it)."""
    return {k: v for k, v in counts.items() if (k[0] if isinstance(k, tuple) else k) <= END}


def by_month_lpa(pack, kpi):
    codes = {int(r.id): r.code for r in pack.lpas.itertuples()}
    out = {}
    for lpa_id, code in codes.items():
        for m in pack.monthly(kpi, lpa_id):
            if m["num"] or m["den"]:
                out[(m["month"], code)] = (m["num"], m["den"])
    return out


def test_sample_of_kpis_matches_plain_python(force):
    gen, pack = force
    from vigil.incidents.models import OutcomeCode

    parents = {c.code: (c.parent.code if c.parent else None)
               for c in OutcomeCode.objects.select_related("parent")}
    positive = set(Policy().positive_outcome_codes)
    crimes = {f"{r['source_system']}:{r['source_id']}": r for r in read(gen, "crimes")}
    da = {k: r for k, r in crimes.items() if r["is_domestic_abuse"] != "false"}

    # Recorded DA crimes by month and LPA.
    expected = Counter((month(local(r["recorded_at"])), r["lpa"]) for r in da.values())
    got = {k: v[0] for k, v in by_month_lpa(pack, "da_crimes_recorded").items()}
    assert got == inside({k: float(v) for k, v in expected.items()})
    assert sum(expected.values()) > 50

    # Positive outcome rate by month and LPA: outcomes by outcome month over crimes recorded.
    parts = defaultdict(lambda: [0.0, 0.0])
    for (m, lpa), n in expected.items():
        parts[(m, lpa)][1] += n
    for r in read(gen, "outcomes"):
        crime = da.get(r["crime"])
        if crime and (r["code"] in positive or parents.get(r["code"]) in positive):
            parts[(month(local(r["outcome_at"])), crime["lpa"])][0] += 1
    got = by_month_lpa(pack, "positive_outcome_rate")
    assert got == inside({k: tuple(v) for k, v in parts.items()})

    # MARAC days from referral to hearing, by month heard and LPA.
    days = defaultdict(lambda: [0.0, 0.0])
    for r in read(gen, "marac_referrals"):
        if r["heard_on"]:
            heard = date.fromisoformat(r["heard_on"])
            days[(month(heard), r["lpa"])][0] += (heard - date.fromisoformat(
                r["referred_on"])).days
            days[(month(heard), r["lpa"])][1] += 1
    assert by_month_lpa(pack, "marac_days_to_hearing") == inside(
        {k: tuple(v) for k, v in days.items()})

    # Encompass notifications on time (before 09:00 the day after the incident), by LA.
    incidents = {f"{r['source_system']}:{r['source_id']}": local(r["reported_at"])
                 for r in read(gen, "incidents")}
    enc = defaultdict(lambda: [0.0, 0.0])
    for r in read(gen, "encompass"):
        reported = incidents[r["incident"]]
        deadline = datetime.combine(reported.date() + timedelta(days=1), datetime.min.time()
                                    ) + timedelta(hours=9)
        on_time = bool(r["notified_at"]) and local(r["notified_at"]) < deadline
        enc[(month(reported), r["local_authority"])][0] += on_time
        enc[(month(reported), r["local_authority"])][1] += 1
    assert by_month_lpa(pack, "encompass_on_time") == inside(
        {k: tuple(v) for k, v in enc.items()})

    # DA arrests per month, force-wide (some have no crime, so no LPA).
    arrests = Counter(month(local(r["arrested_at"])) for r in read(gen, "arrests"))
    got = {m["month"]: m["num"] for m in pack.monthly("arrests") if m["num"]}
    assert got == inside({k: float(v) for k, v in arrests.items()})
