"""Core subcommands: migrate, serve, createuser."""

from __future__ import annotations

import getpass
import secrets

from vigil.core.models import Role


def register(sub) -> None:
    p = sub.add_parser("migrate", help="create or upgrade the database")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", help="serve the web app")
    p.add_argument("--addr", default="127.0.0.1:8000", help="address:port (127.0.0.1:8000)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run background and scheduled jobs (django-q2 cluster)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("createuser", help="create a user with a role and an area")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=Role.values)
    p.add_argument("--area", default="", help="LPA code; empty for the whole force")
    p.add_argument("--password", help="default: prompt (or generate with --generate-password)")
    p.add_argument("--generate-password", action="store_true")
    p.set_defaults(func=cmd_createuser)


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_migrate(args) -> int:
    migrate(verbosity=1)
    return 0


def serve(addr: str) -> None:
    from django.core.management import call_command

    # runserver is enough for the embedded demo; production runs a WSGI server
    # (see docs/deploy.md) against vigil.wsgi.
    call_command("runserver", addr, use_reloader=False, use_threading=True)


def cmd_serve(args) -> int:
    serve(args.addr)
    return 0


def cmd_worker(args) -> int:
    from django.core.management import call_command

    from vigil.core import jobs

    names = jobs.sync_schedules()
    print(f"Schedules: {', '.join(names) or 'none declared'}.")
    call_command("qcluster")
    return 0


def cmd_createuser(args) -> int:
    from vigil.core.errors import CommandError
    from vigil.core.services import create_user

    if args.generate_password:
        password = secrets.token_urlsafe(12)
    else:
        password = args.password or getpass.getpass("Password: ")
    try:
        user = create_user(username=args.username, role=args.role, area_code=args.area,
                           password=password, actor="cli")
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    scope = user.area.name if user.area else "whole force"
    print(f"Created {user.username} ({user.get_role_display()}, {scope}).")
    if args.generate_password:
        print(f"Password: {password}")
    return 0
