"""People subcommands: `vigil link` (record linkage) and `vigil link-revert`."""

from __future__ import annotations

import time
from datetime import datetime


def register(sub) -> None:
    p = sub.add_parser("link", help="link source person records into persons (Splink)")
    p.add_argument("--train", action="store_true",
                   help="train the model by EM on the current records first and save it as "
                        "a new version (default: the newest saved model, else the shipped one)")
    p.add_argument("--as-of", help="ISO date-time of the run (default: now)")
    p.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    p.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 6GB")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("link-default-model",
                       help="(maintainers) retrain the model shipped with the package")
    p.set_defaults(func=cmd_default_model)

    p = sub.add_parser("link-revert", help="revert one link change (by its id) exactly")
    p.add_argument("change", type=int)
    p.add_argument("--reason", default="")
    p.set_defaults(func=cmd_revert)


def _as_of(value: str | None) -> datetime:
    from django.utils import timezone

    from vigil.core.errors import CommandError

    if not value:
        return timezone.now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of {value!r} is not an ISO date-time") from exc
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


def cmd_link(args) -> int:
    from vigil.core.errors import CommandError
    from vigil.people.linkage.batch import link_all
    from vigil.people.models import SourceRecord

    if not SourceRecord.objects.exists():
        raise CommandError("no source person records to link; import some first")
    started = time.monotonic()
    try:
        run = link_all(as_of=_as_of(args.as_of), actor="cli", train=args.train,
                       threads=args.threads, memory_limit=args.memory_limit,
                       progress=lambda msg: print(f"  {msg}", flush=True))
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    print(f"Linked {run.records:,} source records into {run.persons:,} persons with model "
          f"{run.model_version} in {time.monotonic() - started:.1f} s "
          f"(change {run.change_id}; {run.review_pairs:,} pairs await review).")
    return 0


def cmd_default_model(args) -> int:
    from vigil.people.linkage.model import build_default

    print(f"Wrote {build_default()}")
    return 0


def cmd_revert(args) -> int:
    from vigil.core.errors import CommandError
    from vigil.people.linkage.decisions import LinkageError, revert
    from vigil.people.models import LinkChange

    change = LinkChange.objects.filter(pk=args.change).first()
    if change is None:
        raise CommandError(f"no link change {args.change}")
    try:
        undo = revert(change, user="cli", as_of=_as_of(None), reason=args.reason)
    except LinkageError as exc:
        raise CommandError(str(exc)) from exc
    print(f"Reverted change {change.pk} (as change {undo.pk}).")
    return 0


def demo_step(ctx) -> None:
    """Demo: train on the imported records (when there are enough) and link them all."""
    from vigil.people.linkage.batch import link_all
    from vigil.people.models import SourceRecord

    count = SourceRecord.objects.count()
    if not count:
        ctx.notes.append("Linkage: no source person records were imported; nothing linked.")
        return
    as_of = max(SourceRecord.objects.order_by("-updated_at").values_list(
        "updated_at", flat=True)[:1])
    run = link_all(as_of=as_of, actor="demo", train=count >= 1000, data_dir=ctx.data_dir)
    ctx.notes.append(f"Linkage: {run.records:,} source records -> {run.persons:,} persons "
                     f"(model {run.model_version}; {run.review_pairs:,} pairs for review).")
