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
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except CommandError as exc:
        print(f"vigil {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
