"""Writing the demo rows: into a fresh SQLite file (marked as the generator's) or into an empty
database at a URL."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, insert, inspect, select, text

from lead_data.models import Base
from lead_data.schema import create_schema

Row = dict[str, Any]
# Rows per INSERT executemany when loading: big enough to be fast, small enough to bound memory
# and statement size on any server.
BATCH_ROWS = 5_000


# progress(stage, fraction): what is being done and how much of the whole is done, 0.0 to 1.0.
Progress = Callable[[str, float], None]
DRAWN, SCHEMA_CREATED = 0.35, 0.45  # shares of the whole (measured: drawing ~0.6 s, writing ~1 s)


def no_progress(stage: str, fraction: float) -> None:
    """The default: say nothing."""


# Written into every demo file the generator makes (SQLite's header field for "which program made
# this file"): only a file carrying it is shown without sign-in, whatever setting names it.
DEMO_APPLICATION_ID = 0x4C454144  # "LEAD" in ASCII


def is_generated_demo(path: Path) -> bool:
    """Whether the SQLite file at path is a demo database this generator wrote."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            return connection.execute("PRAGMA application_id").fetchone()[0] == DEMO_APPLICATION_ID
    except sqlite3.Error:  # not there, not readable, or not a SQLite file
        return False


def write_sqlite_file(path: Path, rows: dict[str, list[Row]], progress: Progress = no_progress) -> None:
    """Build the database in a temporary file beside path, then move it into place in one step,
    so a reader (or a concurrent first run) never sees a half-written database."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        write_into_database(f"sqlite:///{temporary}", rows, progress)
        with closing(sqlite3.connect(temporary)) as connection:
            connection.execute(f"PRAGMA application_id = {DEMO_APPLICATION_ID}")
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the dashboard may run as another user
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_into_database(url: str, rows: dict[str, list[Row]], progress: Progress = no_progress) -> None:
    """Create the schema if its tables are absent, then insert rows in one transaction, refusing a
    database whose contract tables already hold rows."""
    engine = create_engine(url)
    try:
        if _missing_tables(engine):
            progress("Creating the schema", DRAWN)
            create_schema(url)
        with engine.begin() as connection:
            _refuse_unless_empty(connection)
            _insert(connection, rows, progress)
    finally:
        engine.dispose()


def _missing_tables(engine: Engine) -> list[str]:
    present = set(inspect(engine).get_table_names())
    return [table.name for table in Base.metadata.sorted_tables if table.name not in present]


def _refuse_unless_empty(connection: Connection) -> None:
    holding = [
        table.name
        for table in Base.metadata.tables.values()
        if connection.execute(select(text("1")).select_from(table).limit(1)).first() is not None
    ]
    if holding:
        raise ValueError(
            f"the database already holds rows in {', '.join(holding)}; "
            "the demo is only loaded into an empty database, never beside a program's data"
        )


def _insert(connection: Connection, rows: dict[str, list[Row]], progress: Progress = no_progress) -> None:
    """Every table's rows, parents before children, in executemany batches."""
    total, written = max(1, sum(map(len, rows.values()))), 0
    for table in Base.metadata.sorted_tables:
        table_rows = rows[table.name]
        progress(f"Writing {table.name}", SCHEMA_CREATED + (1 - SCHEMA_CREATED) * written / total)
        for start in range(0, len(table_rows), BATCH_ROWS):
            connection.execute(insert(table), table_rows[start : start + BATCH_ROWS])
            written += len(table_rows[start : start + BATCH_ROWS])
            progress(f"Writing {table.name}", SCHEMA_CREATED + (1 - SCHEMA_CREATED) * written / total)
    if connection.dialect.name == "postgresql":
        # The keys were given explicitly, so the serial sequences never moved: set each past the
        # largest key, or the next row inserted without a key would collide with a demo row.
        for table in Base.metadata.sorted_tables:
            (key,) = table.primary_key.columns
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence(:table, :key), COALESCE(MAX({key.name}), 0) + 1, false) "
                    f"FROM {table.name}"
                ),
                {"table": table.name, "key": key.name},
            )


def row_counts(rows: dict[str, list[Row]]) -> dict[str, int]:
    return {table: len(table_rows) for table, table_rows in rows.items()}
