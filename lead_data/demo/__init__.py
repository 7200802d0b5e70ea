"""A deterministic, obviously fake program database shaped like Baltimore's LEAD pilot.

The dashboard, its tests and anyone trying it out need data that exercises every figure of
DATA_CONTRACT.md, awkward cases included (an over-cap team, unassigned clients, an inactive team
still holding clients, participants in the wind, arrests on the intake day or after exit), without
a single real person in it: names read "Cedar Demo-0421", officers "Officer Demo-17".

One seeded ``random.Random`` draws everything, so a seed and an as-of date name exactly one
database; the wall clock is read only for the default as-of date. The state on the as-of date is
decided first (how many clients each team holds, who is engaged) and the history is drawn to agree
with it, so that shape holds for any as-of date from 2019 on, not just for today. The history
before it grows like the pilot did: one pair at launch and more as enrollment grows, Central
District's officers first, intake the same or next day after an arrest diversion, fewer referrals
in 2020, and re-arrests at a low rate.

The package's parts: ``tuning`` (every rate and weight), ``people`` and ``places`` (who and where),
``draw`` (the history), ``rows`` (each table's rows), ``outcomes`` (the outcome tables), ``write``
(into a SQLite file or a database URL).

``network`` is the other demo: a statewide network's database, of any size (``PARTICIPANTS_PER_SCALE``
participants per unit of scale), drawn column by column with numpy so that millions of rows take
seconds; see its docstring.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lead_data.demo.network import PARTICIPANTS_PER_SCALE, write_network_demo
from lead_data.demo.rows import build_demo_rows
from lead_data.demo.tuning import DEFAULT_SEED
from lead_data.demo.write import (
    DEMO_APPLICATION_ID,
    check_target,
    insert_rows,
    is_generated_demo,
    row_counts,
    write_to,
)
from lead_data.progress import StageProgress, no_progress

__all__ = [
    "DEFAULT_SEED",
    "DEMO_APPLICATION_ID",
    "PARTICIPANTS_PER_SCALE",
    "build_demo_rows",
    "is_generated_demo",
    "write_demo",
    "write_network_demo",
]


def write_demo(
    target: Path | str, *, seed: int = DEFAULT_SEED, as_of: date | None = None, progress: StageProgress | None = None
) -> dict[str, int]:
    """Write the demo for (seed, as_of) and return row counts per table.

    A ``Path`` target is a SQLite file, written afresh (replacing any file there) and marked as the
    generator's. A ``str`` target is a database URL (any SQLAlchemy URL): the contract schema is
    created through the migrations when its tables are absent, and a ValueError, changing nothing,
    refuses a database whose contract tables already hold rows, so demo rows are never mixed into a
    program's real data; all rows go in one transaction.
    """
    check_target(target)
    report = progress or no_progress
    report("Drawing the program's history", 0.0)
    rows = build_demo_rows(seed=seed, as_of=as_of or date.today())
    write_to(target, insert_rows(rows), report)
    report("Done", 1.0)
    return row_counts(rows)
