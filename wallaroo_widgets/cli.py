"""The ``wallaroo-widgets`` console script."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch a subcommand; ``sandbox`` hands its arguments to the sandbox CLI."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="wallaroo-widgets", description=__doc__)
    parser.add_argument("command", choices=["sandbox", "version"], help="what to run")
    if not argv or argv[0] in {"-h", "--help"}:
        parser.print_help()
        return 0
    args, rest = parser.parse_known_args(argv[:1])
    if args.command == "version":
        from ._version import __version__

        print(__version__)
        return 0
    from .sandbox.cli import main as sandbox_main

    return sandbox_main(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
