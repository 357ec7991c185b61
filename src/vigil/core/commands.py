"""Core subcommands: migrate, serve, createuser, backup, restore."""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from pathlib import Path

from vigil.core.models import Role


def register(sub) -> None:
    p = sub.add_parser("migrate", help="create or upgrade the database")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", help="serve the web app (--production: gunicorn)")
    p.add_argument("--addr", default="127.0.0.1:8000", help="address:port (127.0.0.1:8000)")
    p.add_argument("--production", action="store_true",
                   help="gunicorn with several workers, behind a TLS proxy (docs/deploy.md)")
    p.add_argument("--workers", type=int, default=0,
                   help="gunicorn worker processes (default: 2 x cores + 1)")
    p.add_argument("--threads", type=int, default=1,
                   help="threads per worker (1: sync workers; more: threaded workers)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run background and scheduled jobs (django-q2 cluster)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("backup", help="back up the database and the data dir's keys to FILE")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup made by `vigil backup`")
    p.add_argument("file", type=Path)
    p.add_argument("--replace", action="store_true",
                   help="overwrite a database that already holds data")
    p.set_defaults(func=cmd_restore)

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
    """Django's threaded server: enough for the embedded demo on one machine."""
    from django.core.management import call_command
    from django.core.servers import basehttp

    from vigil.core.deploy_checks import refuse_to_serve_without_key

    refuse_to_serve_without_key()
    # No server or Python version in the Server header.
    basehttp.WSGIRequestHandler.server_version = "Vigil"
    basehttp.WSGIRequestHandler.sys_version = ""
    call_command("runserver", addr, use_reloader=False, use_threading=True)


# Longer than the proxy keeps an idle upstream connection (nginx: 60 s): a server that
# closes first races the proxy's next request on it, which then fails with a reset
# (seen in benchmarks/load.py with gunicorn's default of 2 s).
KEEP_ALIVE_SECONDS = 75


def gunicorn_argv(addr: str, workers: int, threads: int) -> list[str]:
    """gunicorn's command line: by default (one thread) sync workers.

    A search or a page is CPU work of some milliseconds; a sync worker takes a
    connection only when it is free, so requests wait in one queue for the first free
    worker. A threaded worker takes connections whether or not a thread is free, and a
    request may wait behind three others sharing its worker's interpreter lock while
    another worker idles: with 20 clients on 2 cores the p95 was 1.4-1.9 times that of
    sync workers (docs/deploy.md). The proxy buffers slow clients, as sync workers need.
    """
    workers = workers or 2 * (os.cpu_count() or 1) + 1
    if threads > 1:
        how = ["--worker-class", "gthread", "--threads", str(threads),
               "--keep-alive", str(KEEP_ALIVE_SECONDS)]
    else:  # sync workers close each connection, so no keep-alive race with the proxy
        how = ["--worker-class", "sync"]
    return [sys.executable, "-m", "gunicorn", "vigil.wsgi:application",
            "--bind", addr, "--workers", str(workers), *how,
            "--timeout", "60", "--graceful-timeout", "30",
            "--max-requests", "2000", "--max-requests-jitter", "200",
            "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1,::1"]


def serve_production(addr: str, workers: int = 0, threads: int = 1) -> None:
    """gunicorn in front of vigil.wsgi; replaces this process."""
    from django.conf import settings

    from vigil.core.deploy_checks import refuse_to_serve_without_key

    refuse_to_serve_without_key()
    argv = gunicorn_argv(addr, workers, threads)
    os.environ["VIGIL_DATA_DIR"] = str(settings.DATA_DIR)
    os.execv(argv[0], argv)


def cmd_serve(args) -> int:
    from django.core.exceptions import ImproperlyConfigured

    from vigil.core.errors import CommandError

    try:
        if args.production:
            serve_production(args.addr, args.workers, args.threads)
        else:
            serve(args.addr)
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc
    return 0


def ensure_secret_key() -> None:
    """A random signing key kept in the data dir (the demo's), and used from now on."""
    from django.conf import settings

    path = settings.SECRET_KEY_FILE
    if settings.SECRET_KEY_SOURCE == "environment":
        return
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    settings.SECRET_KEY = path.read_text().strip()
    settings.SECRET_KEY_SOURCE = "data-dir"


def cmd_backup(args) -> int:
    from vigil.core.backup import BackupError, backup
    from vigil.core.errors import CommandError

    try:
        manifest = backup(args.file)
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    size = args.file.stat().st_size
    print(f"Backed up the {manifest['vendor']} database and {len(manifest['keys'])} key "
          f"file(s) to {args.file} ({size / 1e6:.1f} MB). Keep it as safe as the database.")
    return 0


def cmd_restore(args) -> int:
    from vigil.core.backup import BackupError, restore
    from vigil.core.errors import CommandError

    try:
        manifest = restore(args.file, replace=args.replace)
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    migrate()  # a backup from an older Vigil is brought up to this version
    print(f"Restored the backup of {manifest['at']} from {args.file}.")
    return 0


def cmd_worker(args) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from vigil.core import jobs
    from vigil.core.errors import CommandError

    if getattr(settings, "SECRET_KEY_SOURCE", "") == "ephemeral":
        # Jobs are signed with the key: a throwaway key here could read none of them.
        raise CommandError("the worker needs Vigil's own signing key, the same as the web "
                           "app's: set VIGIL_SECRET_KEY or use the data dir `vigil demo` made "
                           "(docs/deploy.md)")
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
