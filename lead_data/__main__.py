"""Command line for the program-database tools: ``python -m lead_data demo --out PATH``.

Subcommands, so that later tools (checking a site's database, say) sit beside ``demo``.
Mistakes end with one line on stderr and a non-zero exit, never a traceback: the people running
this are program staff and deployers, not Python developers.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

from lead_data.demo import DEFAULT_SEED, generate_demo_database

PROG = "python -m lead_data"
BAD_ARGUMENTS_EXIT = 2
CANNOT_WRITE_EXIT = 1


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the problem, without the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_ARGUMENTS_EXIT, f"{self.prog}: error: {message} (see --help)\n")


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(prog=PROG, description="Tools for the LEAD program database.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="write a synthetic demo database (SQLite)",
        description="Write a fresh, obviously fake demo database; the same seed and as-of date give the same rows.",
    )
    demo.add_argument(
        "--out", type=Path, required=True, metavar="PATH", help="the SQLite file to write (replaced if it exists)"
    )
    demo.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, metavar="N", help=f"random seed (default {DEFAULT_SEED})"
    )
    demo.add_argument(
        "--as-of", type=iso_date, metavar="YYYY-MM-DD", help="last day of program history (default today)"
    )
    demo.set_defaults(run=run_demo)
    return parser


def run_demo(arguments: argparse.Namespace) -> int:
    as_of = arguments.as_of or date.today()
    try:
        counts = generate_demo_database(arguments.out, seed=arguments.seed, as_of=as_of)
    except ValueError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return BAD_ARGUMENTS_EXIT
    except OSError as error:
        print(f"{PROG}: error: cannot write {arguments.out}: {error.strerror or error}", file=sys.stderr)
        return CANNOT_WRITE_EXIT
    print(f"Wrote the demo database to {arguments.out} (seed {arguments.seed}, as of {as_of}):")
    width = max(map(len, counts))
    for table, count in counts.items():
        print(f"  {table:<{width}} {count:>7,}")
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    return arguments.run(arguments)


if __name__ == "__main__":
    sys.exit(main())
