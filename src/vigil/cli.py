"""The `vigil` command. Each app registers its own subcommands (module.register)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from vigil.core.errors import CommandError

# Modules with a `register(subparsers)` function, in the order shown in --help.
COMMAND_MODULES = [
    "vigil.core.commands",
    "vigil.ingest.cli",
    "vigil.people.cli",
    "vigil.safeguarding.cli",
    "vigil.encompass.cli",
    "vigil.controlroom.screening_cli",
    "vigil.analytics.cli",
    "vigil.demo",
    "vigil.synth.cli",
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vigil", description="Vigil: domestic abuse public protection platform."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # --data-dir must be known before Django reads its settings.
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--data-dir")
    known, argv = pre.parse_known_args(argv)
    if known.data_dir:
        os.environ["VIGIL_DATA_DIR"] = known.data_dir
    setup_django()
    parser = build_parser()
    parser.add_argument("--data-dir", help="where the embedded database and outputs live (./var)")
    args = parser.parse_args(argv)
    status = 1
    try:
        status = int(args.func(args) or 0)
        return status
    except KeyboardInterrupt:
        status = 130
        return status
    except CommandError as exc:
        print(f"vigil {args.command}: {exc}", file=sys.stderr)
        status = exc.exit_code
        return status
    finally:
        _audit_command(args, argv, status)


# Commands that read or write personal data, and how the audit log names what they did.
AUDITED_COMMANDS = {
    "import": "import", "link": "update", "link-revert": "update", "rules": "update",
    "snapshot": "export", "report": "export", "backup": "export", "restore": "import",
    "createuser": "create", "demo": "import",
}


def _audit_command(args, argv: list[str], status: int) -> None:
    """One audit row per command that touches personal data, written when it ends."""
    action = AUDITED_COMMANDS.get(args.command)
    if action is None:
        return
    import getpass

    from vigil.core import audit

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = str(os.getuid())
    try:
        audit.flush_refusals()
        audit.record(f"cli:{who}", action, "command", args.command, context="cli",
                     detail={"argv": _safe_argv(args, argv), "exit": status})
    except Exception as exc:  # noqa: BLE001 - the command's own result stands; say so loudly
        print(f"vigil {args.command}: the audit row could not be written ({exc})",
              file=sys.stderr)


def _safe_argv(args, argv: list[str]) -> list[str]:
    """The command line, without a password given on it."""
    secret = getattr(args, "password", None)
    return ["***" if secret and a == secret else a[:200] for a in argv]


if __name__ == "__main__":
    sys.exit(main())
