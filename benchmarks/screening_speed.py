"""Time to screen a full-scale day (~200 logs) and year (~70,000 logs) of DA logs.

  .venv/bin/python benchmarks/screening_speed.py [--data-dir /tmp/vigil-screen-bench]
        [--day 200] [--year 70000] [--workers 2]

Builds an embedded SQLite store in --data-dir (rebuilt each run) holding `year` DA
incidents whose narratives mix the three synthetic styles (handler prose, control-room
shorthand, the force generator's narratives), with one log in 5,000 padded to ~100 KB
and about 1 % empty. Then prints:

- the day: `screen_pending` over `day` new logs, as the import's receiver runs it
  (target: a second or two, so an import is not held up);
- the year: `vigil screen` over every log from nothing, with `--workers` processes
  (target < 10 minutes on 2 cores), split into screening and database writes;
- the screener alone (no database), per log: median and 99th percentile.

Note the machine's load (`uptime`) beside the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def texts(n: int, seed: int) -> list[str]:
    from vigil.synth.draw import Draw
    from vigil.synth.narrative import narrative
    from vigil.synth.screening_logs import corpus

    third = n // 3
    out = [log.text for log in corpus(third, "prose", seed=seed, huge_every=5000)]
    out += [log.text for log in corpus(third, "terse", seed=seed + 1, huge_every=5000)]
    d = Draw(seed, 99)
    while len(out) < n:
        out.append(narrative(d, "intimate_partner", d.pick((0, 1, 2)), d.u())[0])
    return out


def setup(data_dir: Path) -> None:
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    os.environ["VIGIL_DATA_DIR"] = str(data_dir)
    os.environ.pop("VIGIL_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(narratives: list[str], start: int) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from vigil.core.models import Area
    from vigil.incidents.models import Incident

    lpa, _ = Area.objects.get_or_create(code="BHM", defaults={
        "name": "Birmingham", "kind": Area.Kind.LPA})
    t0 = datetime(2025, 4, 1, tzinfo=ZoneInfo("Europe/London"))
    step = timedelta(days=365) / max(len(narratives), 1)
    Incident.objects.bulk_create([
        Incident(source_system="CONTROL", source_id=f"B{start + k}", reference=f"B-{start + k}",
                 reported_at=t0 + k * step, grade="priority", lpa=lpa, narrative=text)
        for k, text in enumerate(narratives)], batch_size=2000)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default="/tmp/vigil-screen-bench")
    ap.add_argument("--day", type=int, default=200)
    ap.add_argument("--year", type=int, default=70_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    print(f"load before: {os.getloadavg()[0]:.1f} (1-minute), {os.cpu_count()} cores")
    setup(Path(args.data_dir))
    from vigil.controlroom import screener, screening
    from vigil.controlroom.screening_models import LogScreening

    year = texts(args.year, seed=21)
    chars = sum(len(t) for t in year)
    print(f"year: {len(year):,} logs, {chars / 1e6:.1f} M characters "
          f"(longest {max(len(t) for t in year) / 1000:.0f} KB)")

    # The screener alone, single process.
    screener.screen("warm up: asked about chidlren")  # loads the word list once
    sample = year[:: max(1, len(year) // 3000)]
    per_log = []
    for text in sample:
        t = time.perf_counter()
        screener.screen(text)
        per_log.append(time.perf_counter() - t)
    per_log.sort()
    print(f"screener alone: median {statistics.median(per_log) * 1000:.1f} ms, "
          f"p99 {per_log[int(len(per_log) * 0.99)] * 1000:.1f} ms, "
          f"max {per_log[-1] * 1000:.0f} ms per log over {len(sample):,} logs")

    # A day arriving: the receiver's path.
    load(texts(args.day, seed=5), start=0)
    t = time.perf_counter()
    stats = screening.screen_pending(actor="bench")
    print(f"day: {stats.screened:,} logs screened and stored in "
          f"{time.perf_counter() - t:.2f} s (screen {stats.screen_s:.2f} s, "
          f"write {stats.write_s:.2f} s)")

    # A year from nothing, in batch.
    load(year, start=args.day)
    t = time.perf_counter()
    stats = screening.screen_pending(actor="bench", workers=args.workers)
    total = time.perf_counter() - t
    print(f"year: {stats.screened:,} logs screened and stored in {total:.0f} s "
          f"({total / 60:.1f} min; screen {stats.screen_s:.0f} s with {args.workers} "
          f"workers, write {stats.write_s:.0f} s); target < 600 s")
    print(f"stored screenings: {LogScreening.objects.count():,}")
    print(f"load after: {os.getloadavg()[0]:.1f} (1-minute)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
