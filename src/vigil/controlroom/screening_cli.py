"""`vigil screen`: screen control-room logs' text in batch (new or changed logs by default)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("screen", help="screen DA logs' text for risk questions, children, "
                                      "support, reassurance and victim-blaming language")
    p.add_argument("--as-of", metavar="T",
                   help="only logs reported by this time, ISO 8601 (default: all)")
    p.add_argument("--all", action="store_true", dest="everything",
                   help="screen every log again, not only new or changed ones")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="screen in N processes (default 1)")
    p.add_argument("--agreement", action="store_true",
                   help="only print how the screener agrees with reviewers' labels")
    p.set_defaults(func=cmd_screen)


def cmd_screen(args) -> int:
    from vigil.controlroom import screening
    from vigil.core.errors import CommandError
    from vigil.safeguarding.cli import parse_as_of

    if args.agreement:
        print_agreement(screening.label_agreement())
        return 0
    if args.workers < 1:
        raise CommandError(f"--workers {args.workers}: must be 1 or more")
    as_of = parse_as_of(args.as_of) if args.as_of else None
    stats = screening.screen_pending(actor="cli", as_of=as_of, everything=args.everything,
                                     workers=args.workers)
    scope = f" reported by {as_of:%Y-%m-%d %H:%M %Z}" if as_of else ""
    print(f"Screened {stats.screened:,} logs{scope} ({stats.chars:,} characters) in "
          f"{stats.screen_s:.1f} s, written in {stats.write_s:.1f} s.")
    for kind, label in screening.screener.MARKS.items():
        n = stats.marked[kind]
        share = f"{n / stats.screened:6.1%}" if stats.screened else "     -"
        print(f"  {label:42} {n:8,} {share}")
    return 0


def print_agreement(rows) -> None:
    from vigil.controlroom.screener import MARKS

    print("Screener against reviewers' latest labels:")
    for a in rows:
        n = a.confirmed + a.false_positive + a.false_negative + a.true_negative
        p = "-" if a.precision is None else f"{a.precision:.2f}"
        r = "-" if a.recall is None else f"{a.recall:.2f}"
        print(f"  {MARKS[a.kind]:42} labels {n:6,}  precision {p:>4}  recall {r:>4}  "
              f"(missed {a.false_negative}, wrongly marked {a.false_positive})")
