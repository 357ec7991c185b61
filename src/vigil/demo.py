"""`vigil demo`: from nothing to a working force on the embedded database.

Each step is (title, function(ctx)); later work adds its steps here in order.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SCALE = 0.03
DEFAULT_YEARS = 3
DEFAULT_SEED = 2026


@dataclass
class DemoContext:
    data_dir: Path
    scale: float
    years: int
    seed: int
    export_dir: Path = field(init=False)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.export_dir = self.data_dir / "demo-export"


def register(sub) -> None:
    p = sub.add_parser("demo", help="build a synthetic force on the embedded database and serve it")
    p.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                   help=f"share of a West Midlands-sized year ({DEFAULT_SCALE})")
    p.add_argument("--years", type=int, default=DEFAULT_YEARS,
                   help=f"years of history ({DEFAULT_YEARS})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--no-serve", action="store_true", help="stop after loading")
    p.add_argument("--addr", default="127.0.0.1:8000")
    p.set_defaults(func=cmd_demo)


def step_reset(ctx: DemoContext) -> None:
    from django.conf import settings
    from django.db import connections

    db = settings.DATABASES["default"]
    connections.close_all()
    for suffix in ("", "-wal", "-shm"):
        Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)


def step_secret_key(ctx: DemoContext) -> None:
    from vigil.core.commands import ensure_secret_key

    ensure_secret_key()


def step_migrate(ctx: DemoContext) -> None:
    from vigil.core.commands import migrate

    migrate()


def step_users(ctx: DemoContext) -> None:
    from vigil.core.models import Area, Role
    from vigil.core.services import create_user

    first_lpa = Area.objects.filter(kind=Area.Kind.LPA).order_by("name").first()
    force_wide = {Role.ANALYST, Role.COMMISSIONER, Role.ADMIN, Role.MARAC_COORDINATOR,
                  Role.CIVIL_ORDERS, Role.ENCOMPASS, Role.CLARES_LAW, Role.CONTROL_ROOM,
                  Role.REFERRAL_ALLOCATION}
    rows = []
    for role in Role:
        area = "" if role in force_wide or first_lpa is None else first_lpa.code
        password = secrets.token_urlsafe(9)
        username = role.value.replace("_", "-")
        create_user(username=username, role=role, area_code=area, password=password,
                    actor="demo", validate=False)
        rows.append((username, password, role.label, area or "whole force"))
    ctx.notes.append("Demo users (username / password / role / area):")
    ctx.notes.extend(f"  {u:22} {p:14} {r} ({a})" for u, p, r, a in rows)
    ctx.notes.append("Admins, LPA commanders and analysts also set up a security code "
                     "(an authenticator app) the first time they sign in.")


def step_rules(ctx: DemoContext) -> None:
    from vigil.safeguarding.cli import demo_step

    demo_step(ctx)


def step_generate(ctx: DemoContext) -> None:
    from vigil.synth.generate import Options, generate

    generate(Options(out_dir=ctx.export_dir, years=ctx.years, scale=ctx.scale, seed=ctx.seed))


def step_link(ctx: DemoContext) -> None:
    from vigil.people.cli import demo_step

    demo_step(ctx)


def step_analytics(ctx: DemoContext) -> None:
    from vigil.analytics.cli import demo_step

    demo_step(ctx)


def step_import(ctx: DemoContext) -> None:
    from vigil.ingest.importer import import_dir

    result = import_dir(ctx.export_dir, actor="demo", progress=False)
    for problem in result.receiver_errors:
        print(f"  warning: {problem}")
    ctx.notes.append(f"Imported {result.totals().total:,} rows from {ctx.export_dir}.")


STEPS = [
    ("Resetting the embedded database", step_reset),
    ("Keeping a signing key in the data directory", step_secret_key),
    ("Creating the database", step_migrate),
    ("Generating a synthetic force", step_generate),
    ("Importing the source exports", step_import),
    ("Creating demo users", step_users),
    ("Linking person records", step_link),
    ("Evaluating safeguarding rules", step_rules),
    ("Snapshot and board report", step_analytics),
]


def cmd_demo(args) -> int:
    from django.conf import settings

    from vigil.core.errors import CommandError

    if os.environ.get("VIGIL_DATABASE_URL"):
        raise CommandError("the demo runs on the embedded database; unset VIGIL_DATABASE_URL")
    ctx = DemoContext(data_dir=Path(settings.DATA_DIR), scale=args.scale, years=args.years,
                      seed=args.seed)
    started = time.monotonic()
    for title, func in STEPS:
        t0 = time.monotonic()
        print(f"- {title} ...", flush=True)
        func(ctx)
        print(f"  done in {time.monotonic() - t0:.1f} s", flush=True)
    print(f"Demo ready in {time.monotonic() - started:.0f} s (data in {ctx.data_dir}).")
    for line in ctx.notes:
        print(line)
    if args.no_serve:
        return 0
    from vigil.core.commands import serve

    print(f"Serving on http://{args.addr}/ (Ctrl-C to stop)", flush=True)
    serve(args.addr)
    return 0
