"""Generate a synthetic force and print its generation time and calibration figures.

    .venv/bin/python benchmarks/synth_calibration.py [--scale 1] [--years 1] [--out DIR]

Figures are per year at --scale 1 (over the last 365 days of the history).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--noise", default="low")
    parser.add_argument("--out", help="folder to write into (a temporary one by default)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from vigil.synth.calibration import measure
    from vigil.synth.generate import Options, generate

    out = Path(args.out or tempfile.mkdtemp(prefix="vigil-synth-"))
    started = time.perf_counter()
    cpu = time.process_time()
    result = generate(Options(out_dir=out, years=args.years, scale=args.scale, seed=args.seed,
                              noise=args.noise))
    print(f"generated {args.years} year(s) at scale {args.scale} into {out}: "
          f"{time.perf_counter() - started:.1f} s wall, {time.process_time() - cpu:.1f} s CPU, "
          f"{sum(result.counts.values()):,} rows on {os.cpu_count()} cores")
    for name, n in result.counts.items():
        print(f"  {name:28} {n:>10,}")
    print("calibration:")
    for name, value in measure(out, args.scale, end=str(result.end)).items():
        shown = f"{value:,.3f}" if isinstance(value, float) else str(value)
        print(f"  {name:38} {shown}")


if __name__ == "__main__":
    main()
