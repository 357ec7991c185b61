"""`vigil generate`: write a calibrated synthetic force in the import format."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from vigil.synth.generate import DEFAULT_END, Options, generate


def register(sub) -> None:
    p = sub.add_parser(
        "generate", help="write a synthetic force (import files and ground truth) to a folder")
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder to write the CSV files into")
    p.add_argument("--years", type=int, default=1, help="years of history (1)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="share of a West Midlands-sized force (1.0 = ~70,000 incidents a year)")
    p.add_argument("--seed", type=int, default=2026, help="same seed, same files (2026)")
    p.add_argument("--end", default=DEFAULT_END.isoformat(),
                   help=f"last day of the history, YYYY-MM-DD ({DEFAULT_END})")
    p.add_argument("--noise", choices=("low", "high"), default="low",
                   help="how much the source systems disagree about a person (low)")
    p.add_argument("--forces", type=int, default=1,
                   help="a region of N forces, each in its own folder OUT_DIR/forceK, with "
                        "people who appear in more than one force's records (1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.set_defaults(func=cmd_generate)


def cmd_generate(args) -> int:
    from vigil.core.errors import CommandError

    try:
        end = date.fromisoformat(args.end)
    except ValueError:
        raise CommandError(f"--end {args.end!r} is not a date; write YYYY-MM-DD") from None
    out = Path(args.out_dir)
    if out.exists() and not out.is_dir():
        raise CommandError(f"{out} exists and is not a folder")
    try:
        opts = Options(out_dir=out, years=args.years, scale=args.scale, seed=args.seed,
                       end=end, noise=args.noise, forces=args.forces,
                       progress=not args.quiet and sys.stderr.isatty())
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    result = generate(opts)
    if not args.quiet and result.forces:
        print(f"Wrote a synthetic region of {len(result.forces)} forces {result.start} to "
              f"{result.end} into {out} in {result.seconds:.1f} s:")
        for name, counts, arrived in result.forces:
            print(f"  {name}/  {sum(counts.values()):>10,} rows, {counts.get('persons', 0):,}"
                  f" person records; {arrived:,} people also recorded by the force before")
        print(f"  ground truth: {out}/force*/ground_truth/person_truth.csv (true ids are "
              "the same across forces)")
    elif not args.quiet:
        print(f"Wrote a synthetic force {result.start} to {result.end} into {out} "
              f"in {result.seconds:.1f} s:")
        for name, n in result.counts.items():
            print(f"  {name + '.csv':28} {n:>10,}")
        print(f"  ground truth: {out / 'ground_truth' / 'person_truth.csv'}")
    return 0
