"""`vigil rules`: re-evaluate the safeguarding rules over all history (idempotent)."""

from __future__ import annotations

from datetime import datetime


def register(sub) -> None:
    p = sub.add_parser("rules", help="re-evaluate the safeguarding rules over all history")
    p.add_argument("--as-of", metavar="T",
                   help="evaluate as of this time, ISO 8601 (default: now), e.g. 2026-01-31T18:00")
    p.add_argument("--no-qa", action="store_true",
                   help="skip the weekly QA dip sample of standard-risk assessments")
    p.set_defaults(func=cmd_rules)


def parse_as_of(text: str | None) -> datetime:
    from django.utils import timezone

    from vigil.core.calendar import LONDON
    from vigil.core.errors import CommandError

    if not text:
        return timezone.now().astimezone(LONDON)
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of {text!r}: not an ISO 8601 date or date-time") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    return value.astimezone(LONDON)


def cmd_rules(args) -> int:
    from vigil.safeguarding import api, engine

    as_of = parse_as_of(args.as_of)
    stats = engine.run(as_of=as_of, actor="cli")
    print(f"Rules as of {as_of:%Y-%m-%d %H:%M %Z} over {stats.persons} persons: "
          f"{stats.tasks_created} tasks created, {stats.tasks_closed} closed by the records; "
          f"{stats.flags_raised} flags raised, {stats.flags_expired} expired "
          f"(load {stats.load_s:.1f} s, rules {stats.evaluate_s:.1f} s, "
          f"write {stats.write_s:.1f} s).")
    if not args.no_qa:
        # Set-wise draws the team apps registered (the R&A QA dip sample).
        for draw in api.registered_draws().values():
            _, lines = draw(as_of=as_of)
            print("\n".join(lines))
    return 0


def demo_step(ctx) -> None:
    """The demo's batch run: every rule over the loaded history, as of now."""
    from vigil.safeguarding import api, engine, services

    as_of = parse_as_of(None)
    stats = engine.run(as_of=as_of, actor="demo")
    drawn = sum(draw(as_of=as_of)[0] for draw in api.registered_draws().values())
    ctx.notes.append(rules_note(services.totals(), stats, drawn))


def rules_note(totals, stats, drawn: int) -> str:
    """Totals first: the import already ran the rules for the people it touched, so this
    run's own additions alone would read as if the force had almost no work."""
    qa_share = f" ({drawn:,} of them QA dip samples)" if drawn else ""
    return (f"Safeguarding rules: {totals.tasks:,} tasks ({totals.open_tasks:,} open), "
            f"{totals.flags:,} flags; this run added {stats.tasks_created + drawn:,} tasks"
            f"{qa_share}, {stats.flags_raised:,} flags.")
