"""Writing the demo rows: into a fresh SQLite file (marked as the generator's) or into an empty
database at a URL.

Two ways to put the rows in, behind the same safety (a temporary file moved into place, the marker,
the refusal of a database holding rows, the migrations' schema, the sequences set past the keys):
the pilot-sized demo's row dicts go through SQLAlchemy's executemany (``insert_rows``); the
network-size demo's millions of rows go as tuples, in chunks, through the driver's fastest path
(``bulk_load``: sqlite3's executemany, PostgreSQL's COPY).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError

from lead_data.models import Base
from lead_data.progress import StageProgress, no_progress
from lead_data.schema import create_schema

Row = dict[str, Any]
# Rows per INSERT executemany when loading: big enough to be fast, small enough to bound memory
# and statement size on any server.
BATCH_ROWS = 5_000


DRAWN, SCHEMA_CREATED = 0.35, 0.45  # shares of the whole (measured: drawing ~0.6 s, writing ~1 s)
INDEXING = 0.1  # share of a bulk load spent making the indexes again at its end


# Written into every demo file the generator makes (SQLite's header field for "which program made
# this file"): only a file carrying it is shown without sign-in, whatever setting names it.
DEMO_APPLICATION_ID = 0x4C454144  # "LEAD" in ASCII


def is_generated_demo(path: Path) -> bool:
    """Whether the SQLite file at path is a demo database this generator wrote."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            application_id: int = connection.execute("PRAGMA application_id").fetchone()[0]
            return application_id == DEMO_APPLICATION_ID
    except sqlite3.Error:  # not there, not readable, or not a SQLite file
        return False


# load(connection, progress): puts every table's rows in, inside the transaction write_into_database opened.
Load = Callable[[Connection, StageProgress], None]


def check_target(target: Path | str) -> None:
    """Refuse a target that is neither a Path nor a database URL, before any drawing is done."""
    if isinstance(target, str) and "://" not in target:
        raise ValueError(f"{target!r} is not a database URL; give a Path to write a SQLite file")


def write_to(target: Path | str, load: Load, progress: StageProgress = no_progress) -> None:
    """A ``Path`` target is a SQLite file, written afresh; a ``str`` one a database URL."""
    check_target(target)
    if isinstance(target, Path):
        write_sqlite_file(target, load, progress)
    else:
        write_into_database(target, load, progress)


def write_sqlite_file(path: Path, load: Load, progress: StageProgress = no_progress) -> None:
    """Build the database in a temporary file beside path, then move it into place in one step,
    so a reader (or a concurrent first run) never sees a half-written database."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        write_into_database(f"sqlite:///{temporary}", load, progress)
        with closing(sqlite3.connect(temporary)) as connection:
            connection.execute(f"PRAGMA application_id = {DEMO_APPLICATION_ID}")
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the dashboard may run as another user
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_into_database(url: str, load: Load, progress: StageProgress = no_progress) -> None:
    """Create the schema if its tables are absent, then load the rows in one transaction, refusing a
    database whose contract tables already hold rows."""
    engine = create_engine(url)
    try:
        if _missing_tables(engine):
            progress("Creating the schema", DRAWN)
            create_schema(url)
        with engine.begin() as connection:
            _refuse_unless_empty(connection)
            load(connection, progress)
            if connection.dialect.name == "postgresql":
                _set_sequences_past_keys(connection)
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


def insert_rows(rows: dict[str, list[Row]]) -> Load:
    """Every table's row dicts, parents before children, in SQLAlchemy executemany batches."""

    def load(connection: Connection, progress: StageProgress) -> None:
        total, written = max(1, sum(map(len, rows.values()))), 0
        for table in Base.metadata.sorted_tables:
            table_rows = rows[table.name]
            progress(f"Writing {table.name}", _writing_share(written, total))
            for start in range(0, len(table_rows), BATCH_ROWS):
                connection.execute(insert(table), table_rows[start : start + BATCH_ROWS])
                written += len(table_rows[start : start + BATCH_ROWS])
                progress(f"Writing {table.name}", _writing_share(written, total))

    return load


@dataclass(frozen=True)
class BulkTable:
    """One table's rows for ``bulk_load``: its column names and its rows as tuples of plain values
    (int, float, str, bool, None; a date as "YYYY-MM-DD", a timestamp as "YYYY-MM-DD HH:MM:SS.ffffff",
    the text SQLAlchemy stores in SQLite and PostgreSQL's COPY reads), produced in chunks so that
    millions of rows never sit in memory as Python objects at once."""

    columns: tuple[str, ...]
    row_count: int
    chunks: Callable[[], Iterator[list[tuple[Any, ...]]]]


def bulk_load(tables: dict[str, BulkTable]) -> Load:
    """Every table's tuples, parents before children: sqlite3's executemany on SQLite, COPY on
    PostgreSQL, inside the open transaction (so still one commit, or nothing on a failure).

    As the databases' own guides advise for a bulk load, the secondary indexes (and, on PostgreSQL,
    the foreign keys) are set aside while the rows go in and made again afterwards from their own
    definitions, read from the database: one sort per index instead of millions of scattered
    updates, one join per foreign key instead of a check per row. PostgreSQL's tables are analyzed
    at the end, as autovacuum soon would, so the planner knows their size from the first query."""

    def load(connection: Connection, progress: StageProgress) -> None:
        dialect = connection.dialect.name
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"the network-size demo loads into SQLite or PostgreSQL, not {dialect}")
        # sqlite3's connection or psycopg's, which share no type: the code below asks which by dialect.
        driver: Any = connection.connection.driver_connection
        if dialect == "sqlite" and not driver.in_transaction:
            driver.execute("BEGIN")  # sqlite3 would run the DROP INDEX below outside any transaction
        restore = _set_aside_indexes(connection)
        total, written = max(1, sum(table.row_count for table in tables.values())), 0
        for model in Base.metadata.sorted_tables:
            table = tables[model.name]
            progress(f"Writing {model.name}", _writing_share(written, total, 1.0 - INDEXING))
            columns = ", ".join(table.columns)
            if dialect == "sqlite":
                statement = f"INSERT INTO {model.name} ({columns}) VALUES ({', '.join('?' * len(table.columns))})"
            else:
                statement = f"COPY {model.name} ({columns}) FROM STDIN"
            with closing(driver.cursor()) as cursor, _as_sqlalchemy_errors(connection, statement):
                for chunk in table.chunks():
                    if dialect == "sqlite":
                        cursor.executemany(statement, chunk)
                    else:
                        with cursor.copy(statement) as copy:
                            for row in chunk:
                                copy.write_row(row)
                    written += len(chunk)
                    progress(f"Writing {model.name}", _writing_share(written, total, 1.0 - INDEXING))
        progress("Indexing", 1.0 - INDEXING)
        for statement in restore:
            connection.exec_driver_sql(statement)
        if dialect == "postgresql":
            connection.exec_driver_sql("ANALYZE " + ", ".join(table.name for table in Base.metadata.sorted_tables))

    return load


@contextmanager
def _as_sqlalchemy_errors(connection: Connection, statement: str) -> Iterator[None]:
    """The driver's own errors, raised as SQLAlchemy raises them for its statements (an
    IntegrityError, say), so callers handle one kind whichever way the rows went in."""
    driver_error = connection.dialect.loaded_dbapi.Error
    try:
        yield
    except driver_error as error:
        raise DBAPIError.instance(statement, None, error, driver_error) from error


def _set_aside_indexes(connection: Connection) -> list[str]:
    """Drop the contract tables' secondary indexes (and PostgreSQL's foreign keys); return the
    statements that make them again, exactly as they were. Keys and unique constraints stay. On
    PostgreSQL only the tables' owner may do this; anyone else loads with them in place."""
    names = [table.name for table in Base.metadata.sorted_tables]
    if connection.dialect.name == "sqlite":
        marks = ", ".join("?" * len(names))
        indexes = connection.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
            tuple(names),
        ).all()
        for name, _ in indexes:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
        return [definition for _, definition in indexes]
    tables = "SELECT oid FROM pg_class WHERE oid = ANY(CAST(:tables AS regclass[]))"
    owner = connection.execute(
        text(f"SELECT bool_and(pg_has_role(relowner, 'MEMBER')) FROM pg_class WHERE oid IN ({tables})"),
        {"tables": names},
    ).scalar()
    if not owner:
        return []
    foreign_keys = connection.execute(
        text(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
            f"WHERE contype = 'f' AND conrelid IN ({tables}) ORDER BY conrelid::regclass::text, conname"
        ),
        {"tables": names},
    ).all()
    indexes = connection.execute(
        text(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            f"WHERE indrelid IN ({tables}) AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid) "
            "ORDER BY indexrelid::regclass::text"
        ),
        {"tables": names},
    ).all()
    for table, name, _ in foreign_keys:
        connection.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        connection.exec_driver_sql(f"DROP INDEX {name}")
    return [definition for _, definition in indexes] + [
        f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}" for table, name, definition in foreign_keys
    ]


def _writing_share(written: int, total: int, end: float = 1.0) -> float:
    """Of the whole, when written of total rows are in: from the schema's share to end."""
    return SCHEMA_CREATED + (end - SCHEMA_CREATED) * written / total


def _set_sequences_past_keys(connection: Connection) -> None:
    """The keys were given explicitly, so the serial sequences never moved: set each past the
    largest key, or the next row inserted without a key would collide with a demo row."""
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
