"""For the synthetic force, a sample of KPIs recomputed in plain Python from the import
files agrees with the SQL over the snapshot (generate -> import -> snapshot -> DuckDB)."""

import csv
from collections import Counter, defaultdict
from datetime import date, datetime
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


def encompass_expected(gen):
    """The children's persons are the ones linkage made (the import links them), read back;
    everything else from the files."""
    from vigil.core.calendar import force_school_calendar
    from vigil.people.models import SourceRecord

    calendar = force_school_calendar("08:30")
    persons = {f"{r['source_system']}:{r['source_id']}": r for r in read(gen, "persons")}
    linked = {f"{s}:{i}": (p, dob) for s, i, p, dob in SourceRecord.objects.values_list(
        "source_system", "source_id", "person_id", "person__date_of_birth")}
    schools = {r["urn"]: r["local_authority"] for r in read(gen, "schools")}
    incidents = {f"{r['source_system']}:{r['source_id']}": r for r in read(gen, "incidents")}
    notes = defaultdict(list)
    for r in read(gen, "encompass"):
        child = persons[r["child"]]
        notes[r["incident"]].append((r["child"], child["date_of_birth"],
                                     child["surname"].casefold(), r["notified_at"]))
    parties = [r for r in read(gen, "incident_parties") if r["role"] == "child"]
    children = Counter(r["incident"] for r in parties)
    enc = defaultdict(lambda: [0.0, 0.0])
    for r in parties:
        incident, child = incidents[r["incident"]], persons[r["person"]]
        reported = datetime.fromisoformat(incident["reported_at"]).astimezone(LONDON)
        person, born = linked[r["person"]]
        if born:
            years = reported.year - born.year - ((reported.month, reported.day)
                                                 < (born.month, born.day))
            if not 4 <= years <= 17:
                continue
        authority = schools[r["school"]] if r["school"] else incident["lpa"]
        due = calendar.next_school_day_start(reported).replace(tzinfo=None)
        mine = notes.get(r["incident"], [])
        note = (next((n for n in mine if n[0] == r["person"]
                      or linked[n[0]][0] == person), None)
                or next((n for n in mine if child["date_of_birth"] and n[1] ==
                         child["date_of_birth"] and n[2] == child["surname"].casefold()), None)
                or (mine[0] if children[r["incident"]] == 1 and len(mine) == 1 else None))
        notified = local(note[3]) if note and note[3] else None
        start = month(reported.replace(tzinfo=None))
        cutoff = datetime.combine(date(start.year + start.month // 12, start.month % 12 + 1, 1),
                                  datetime.min.time())
        if not (due < cutoff or (notified and notified < cutoff)):
            continue
        enc[(start, authority)][0] += bool(notified and notified <= due)
        enc[(start, authority)][1] += 1
    return {k: tuple(v) for k, v in enc.items()}


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

    # Encompass on time: every child aged 4-17 on an incident (unknown age counts, as the
    # task does), due 08:30 on the next school day (the built-in calendar: the synthetic
    # force has no term dates), notified by then; by the authority of the child's school.
    assert by_month_lpa(pack, "encompass_on_time") == inside(encompass_expected(gen))

    # DA arrests per month, force-wide (some have no crime, so no LPA).
    arrests = Counter(month(local(r["arrested_at"])) for r in read(gen, "arrests"))
    got = {m["month"]: m["num"] for m in pack.monthly("arrests") if m["num"]}
    assert got == inside({k: float(v) for k, v in arrests.items()})
