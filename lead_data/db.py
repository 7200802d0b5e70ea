"""Where the program database is, and how the dashboard opens it: read-only, checked, explained."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from lead_data.models import CONTRACT_TABLES

DATABASE_URL_VARIABLE = "LEAD_DATABASE_URL"
DEMO_DATABASE_VARIABLE = "LEAD_DEMO_DATABASE"
SECRETS_FILE = Path(".streamlit") / "secrets.toml"
STATEMENT_TIMEOUT_SECONDS = 30
DEFAULT_DEMO_DATABASE = Path(__file__).resolve().parents[1] / "data" / "demo.sqlite"


@dataclass(frozen=True)
class DatabaseChoice:
    """The database the dashboard will read, and why that one."""

    url: str
    source: str  # "environment", "secrets" or "demo"

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)


class DatabaseProblem(Exception):
    """The database cannot be used; the message says what is wrong and what to do about it."""


def demo_database_path() -> Path:
    return Path(os.environ.get(DEMO_DATABASE_VARIABLE, DEFAULT_DEMO_DATABASE))


def choose_database(secrets_file: Path = SECRETS_FILE) -> DatabaseChoice:
    """``LEAD_DATABASE_URL``, else ``[connections.lead] url`` in secrets.toml, else the demo file."""
    from_environment = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    if from_environment:
        return DatabaseChoice(from_environment, "environment")
    if secrets_file.is_file():
        try:
            secrets = tomllib.loads(secrets_file.read_text())
        except tomllib.TOMLDecodeError as error:
            raise DatabaseProblem(f"{secrets_file} is not valid TOML ({error}); fix or remove it.") from error
        url = secrets.get("connections", {}).get("lead", {}).get("url", "").strip()
        if url:
            return DatabaseChoice(url, "secrets")
    return DatabaseChoice(f"sqlite:///{demo_database_path()}", "demo")


def read_only_engine(url: str) -> Engine:
    """An engine that cannot write: SQLite files are opened with ``mode=ro``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if not path or path == ":memory:":
            raise DatabaseProblem("The dashboard needs a SQLite database file, not an in-memory database.")
        if not Path(path).is_file():
            raise DatabaseProblem(
                f"There is no database file at {path}. Check {DATABASE_URL_VARIABLE} or "
                f"{SECRETS_FILE}, or unset them to use the demo database."
            )
        uri = f"file:{Path(path).resolve()}?mode=ro"
        return create_engine("sqlite://", creator=_sqlite_read_only_connector(uri))
    if parsed.get_backend_name() == "postgresql":
        # Every transaction starts read-only, and no statement runs away with the server.
        options = f"-c default_transaction_read_only=on -c statement_timeout={STATEMENT_TIMEOUT_SECONDS * 1000}"
        return create_engine(url, pool_pre_ping=True, connect_args={"options": options})
    raise DatabaseProblem(
        f"The dashboard reads SQLite or PostgreSQL databases; {parsed.get_backend_name()!r} is not supported."
    )


def _sqlite_read_only_connector(uri: str):
    import sqlite3

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    return connect


def missing_tables(engine: Engine) -> list[str]:
    """Contract tables (or views) the database does not have; raises DatabaseProblem if unreachable."""
    try:
        inspector = inspect(engine)
        present = set(inspector.get_table_names()) | set(inspector.get_view_names())
    except SQLAlchemyError as error:
        raise DatabaseProblem(describe_database_error(error)) from error
    return [table for table in CONTRACT_TABLES if table not in present]


def describe_database_error(error: SQLAlchemyError) -> str:
    """A one-line, credential-free account of a database error for the screen and the log."""
    original = getattr(error, "orig", None) or error
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    return f"{type(original).__name__}: {first_line}"
