"""People subcommands: `vigil link` (record linkage) and `vigil link-revert`."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import datetime


def register(sub) -> None:
    p = sub.add_parser("link", help="link source person records into persons (Splink)")
    train = p.add_mutually_exclusive_group()
    train.add_argument("--train", action="store_true", default=None,
                       help="train the model by EM on the current records first and save it "
                            "as a new version (default: only when the record count has moved "
                            "by the policy's link_retrain_change since the model was trained)")
    train.add_argument("--no-train", dest="train", action="store_false",
                       help="never retrain; use the newest saved model, else the shipped one")
    p.add_argument("--as-of", help="ISO date-time of the run (default: now)")
    p.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    p.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 6GB")
    p.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                   help="score pairs on DuckDB (one machine, default) or on Splink's Spark "
                        "backend (a region: local mode, or VIGIL_SPARK_MASTER); same persons")
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


@contextmanager
def _engine(name: str, threads: int | None):
    """Linkers inside run on Spark when asked (vigil.people.linkage.spark)."""
    if name != "spark":
        yield
        return
    from vigil.core.spark import session
    from vigil.people.linkage import spark

    print("  scoring on Spark", flush=True)
    with spark.use(session(threads)):
        yield


def cmd_link(args) -> int:
    from vigil.core.errors import CommandError
    from vigil.core.policy import current as current_policy
    from vigil.people.linkage import pending
    from vigil.people.linkage.batch import link_all
    from vigil.people.models import ReviewPair, SourceRecord

    if not SourceRecord.objects.exists():
        raise CommandError("no source person records to link; import some first")
    waiting = pending.waiting()
    if waiting.entries:
        print(f"  waiting: {waiting}; this run links them")
    started = time.monotonic()
    try:
        with _engine(args.engine, args.threads):
            run = link_all(as_of=_as_of(args.as_of), actor="cli", train=args.train,
                           threads=args.threads, memory_limit=args.memory_limit,
                           progress=lambda msg: print(f"  {msg}", flush=True))
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    open_pairs = ReviewPair.objects.filter(status=ReviewPair.Status.OPEN)
    queue = open_pairs.count()
    at_risk = open_pairs.filter(at_risk=True).count()
    trained = "trained now" if run.trained else f"trained on {run.model_records:,} records"
    print(f"Linked {run.records:,} source records into {run.persons:,} persons with model "
          f"{run.model_version} ({trained}) in {time.monotonic() - started:.1f} s "
          f"(change {run.change_id}).")
    print(f"Review queue: {queue:,} pairs await review "
          f"({queue / max(run.records, 1):.1%} of records; {at_risk:,} with a person at "
          f"high risk or at MARAC, first in the queue); "
          f"{run.demoted:,} pairs held back for review by the date-of-birth evidence rule.")
    if run.capped_records:
        print(f"Note: {run.capped_keys:,} blocking values were too common to compare on "
              f"(over {current_policy().link_block_max_records:,} records each, e.g. a "
              f"placeholder); {run.capped_records:,} records were compared on their other "
              f"details only.")
    if run.pending_settled:
        print(f"Linked {run.pending_settled:,} import(s) whose linkage was waiting.")
    print(f"Waiting linkage: {pending.waiting()}.")
    if run.calibration_warning:
        print(f"Warning: {run.calibration_warning}.")
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
    run = link_all(as_of=as_of, actor="demo", train=None if count >= 1000 else False,
                   data_dir=ctx.data_dir)
    ctx.notes.append(f"Linkage: {run.records:,} source records -> {run.persons:,} persons "
                     f"(model {run.model_version}; {run.review_pairs:,} pairs for review).")
