"""Command line for the program-database tools: ``python -m lead_data demo --out PATH``,
``python -m lead_data demo --url URL`` (``--scale S`` or ``--participants N`` for the network-size
demo), ``python -m lead_data init-db --url URL``.

Subcommands, so that later tools (checking a site's database, say) sit beside ``demo``.
Mistakes end with one line on stderr and a non-zero exit, never a traceback: the people running
this are program staff and deployers, not Python developers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import NoReturn

from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

from lead_data.db import DatabaseProblem, describe_database_error, display_url, role_warnings
from lead_data.demo import DEFAULT_SEED, PARTICIPANTS_PER_SCALE, write_demo, write_network_demo
from lead_data.figures.quality import CANNOT_OPEN_EXIT, CLEAN_EXIT, FINDINGS_EXIT, check_url, format_report
from lead_data.progress import stage_bar, step_bar
from lead_data.schema import create_schema, head_revision, schema_revision
from lead_data.site import SiteError, load_site

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


def positive_number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = 0.0
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"not a number above 0: {text!r}")
    return number


def positive_whole_number(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"not a whole number above 0: {text!r}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(prog=PROG, description="Tools for the LEAD program database.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="write a synthetic demo database (a SQLite file, or into an empty database)",
        description="Write a fresh, obviously fake demo database; the same seed and as-of date give the same rows.",
    )
    target = demo.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, metavar="PATH", help="the SQLite file to write (replaced if it exists)")
    target.add_argument(
        "--url",
        metavar="URL",
        help="or a database (SQLAlchemy URL) to load into: its contract tables must be absent (created) or empty",
    )
    size = demo.add_mutually_exclusive_group()
    size.add_argument(
        "--scale",
        type=positive_number,
        metavar="S",
        help=f"a network-size demo instead of the pilot's: {PARTICIPANTS_PER_SCALE:,} participants per unit of scale",
    )
    size.add_argument(
        "--participants", type=positive_whole_number, metavar="N", help="or a network-size demo of N participants"
    )
    demo.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, metavar="N", help=f"random seed (default {DEFAULT_SEED})"
    )
    demo.add_argument(
        "--as-of", type=iso_date, metavar="YYYY-MM-DD", help="last day of program history (default today)"
    )
    demo.set_defaults(run=run_demo)
    init_db = commands.add_parser(
        "init-db",
        help="create the contract schema in a database",
        description="Create (or upgrade) the contract's tables, constraints and indexes through the migrations.",
    )
    init_db.add_argument("--url", required=True, metavar="URL", help="the database, as a SQLAlchemy URL")
    init_db.set_defaults(run=run_init_db)
    check = commands.add_parser(
        "check",
        help="check a database against DATA_CONTRACT.md",
        description="Report every way a database departs from DATA_CONTRACT.md, with counts and example ids. "
        "Reads only. Exit status 0: no problems; 1: problems found; 2: the database cannot be read.",
    )
    check.add_argument("--url", required=True, metavar="URL", help="the database, as a SQLAlchemy URL")
    check.add_argument(
        "--today", type=iso_date, metavar="YYYY-MM-DD", help="dates after this day are in the future (default today)"
    )
    check.set_defaults(run=run_check)
    return parser


def run_demo(arguments: argparse.Namespace) -> int:
    as_of = arguments.as_of or date.today()
    if arguments.url is None:
        target, shown, done = arguments.out, str(arguments.out), "Wrote the demo database to"
    else:
        target, shown, done = arguments.url, display_url(arguments.url), "Loaded the demo rows into"
    participants = arguments.participants
    if arguments.scale is not None:
        participants = round(arguments.scale * PARTICIPANTS_PER_SCALE)
    try:
        with stage_bar() as progress:
            if participants is None:
                counts = write_demo(target, seed=arguments.seed, as_of=as_of, progress=progress)
            else:
                counts = write_network_demo(
                    target, participants=participants, seed=arguments.seed, as_of=as_of, progress=progress
                )
    except ValueError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return BAD_ARGUMENTS_EXIT
    except OSError as error:
        print(f"{PROG}: error: cannot write {shown}: {error.strerror or error}", file=sys.stderr)
        return CANNOT_WRITE_EXIT
    except (SQLAlchemyError, CommandError) as error:
        print(f"{PROG}: error: cannot load into {shown}: {describe_error(error)}", file=sys.stderr)
        return CANNOT_WRITE_EXIT
    size = "" if participants is None else f"{participants:,} participants, "
    print(f"{done} {shown} ({size}seed {arguments.seed}, as of {as_of}):")
    print_counts(counts)
    return 0


def run_init_db(arguments: argparse.Namespace) -> int:
    url = arguments.url
    try:
        before = schema_revision(url)
        create_schema(url)
    except ValueError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return BAD_ARGUMENTS_EXIT
    except (SQLAlchemyError, CommandError) as error:
        print(
            f"{PROG}: error: cannot create the schema in {display_url(url)}: {describe_error(error)}", file=sys.stderr
        )
        return CANNOT_WRITE_EXIT
    head = head_revision()
    if before == head:
        print(f"{display_url(url)} already has the contract schema (revision {head}); nothing to do.")
    elif before is None:
        print(f"Created the contract schema (tables, constraints, indexes; revision {head}) in {display_url(url)}.")
    else:
        print(f"Upgraded the contract schema in {display_url(url)} from revision {before} to {head}.")
    return 0


def run_check(arguments: argparse.Namespace) -> int:
    try:
        today = arguments.today or load_site().today()
        with step_bar("Checking the tables") as progress:
            findings = check_url(arguments.url, today=today, progress=progress)
        warnings = role_warnings(arguments.url)
    except (DatabaseProblem, SiteError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return CANNOT_OPEN_EXIT
    print(format_report(findings, url_for_display=display_url(arguments.url)), end="")
    for warning in warnings:  # about who connects, not what the data holds: the exit status is unchanged
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    return FINDINGS_EXIT if findings else CLEAN_EXIT


def print_counts(counts: dict[str, int]) -> None:
    width = max(map(len, counts))
    count_width = max(len(f"{count:,}") for count in counts.values())
    for table, count in counts.items():
        print(f"  {table:<{width}} {count:>{count_width},}")


def describe_error(error: Exception) -> str:
    if isinstance(error, SQLAlchemyError):
        return describe_database_error(error)
    first_line = str(error).strip().splitlines()
    return first_line[0] if first_line else type(error).__name__


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = arguments.run  # set by each subcommand's parser
    return run(arguments)


if __name__ == "__main__":
    sys.exit(main())
