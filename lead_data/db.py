"""Where the program database is, and how the dashboard opens it: read-only, checked, explained."""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import sqlite3
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, create_engine, event, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, SQLAlchemyError
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import Text

from lead_data.access import aggregate
from lead_data.demo import is_generated_demo
from lead_data.models import CONTRACT_TABLES

DATABASE_URL_VARIABLE = "LEAD_DATABASE_URL"
DEMO_DATABASE_VARIABLE = "LEAD_DEMO_DATABASE"
SECRETS_FILE = Path(".streamlit") / "secrets.toml"
URL_EXAMPLES = (
    "postgresql+psycopg://USER:PASSWORD@HOST:5432/DBNAME (PostgreSQL) or "
    "sqlite:////absolute/path/program.sqlite (a SQLite file)"
)
STATEMENT_TIMEOUT_SECONDS = 30
# A page must say "unavailable" within 10 s of a hung server: a pooled connection's ping gives up
# after PING_SECONDS, and the fresh connection tried next after CONNECT_TIMEOUT_SECONDS.
PING_SECONDS = 3
CONNECT_TIMEOUT_SECONDS = 4
# The server ends a long statement itself at statement_timeout; the client stops waiting this much later.
STATEMENT_DEADLINE_GRACE_SECONDS = 2
DEFAULT_DEMO_DATABASE = Path(__file__).resolve().parents[1] / "data" / "demo.sqlite"


@dataclass(frozen=True)
class DatabaseChoice:
    """The database the dashboard will read, and why that one."""

    url: str
    source: str  # "environment", "secrets" or "demo"

    @property
    def is_demo(self) -> bool:
        """Whether this is the generator's demo file, which anyone may see without signing in.

        Decided by what the file holds (the generator's marker), not by which setting named it: program
        data named by LEAD_DEMO_DATABASE gets the same sign-in rules as any program database. A demo
        file not written yet counts: it holds nothing, and the first run writes the generator's file there.
        """
        if self.source != "demo":
            return False
        path = Path(make_url(self.url).database or "")
        return not path.exists() or is_generated_demo(path)

    @property
    def display_url(self) -> str:
        return display_url(self.url)


def display_url(url: str) -> str:
    """The URL with any password hidden, fit to print or show."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(a database URL that cannot be read)"


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


def read_only_engine(url: str, *, statement_timeout: float = STATEMENT_TIMEOUT_SECONDS) -> Engine:
    """An engine that cannot write and whose statements give up after ``statement_timeout`` seconds.

    SQLite files are opened with ``mode=ro`` and may not attach other files; PostgreSQL sessions start
    every transaction read-only (a default only: see ``role_warnings``).
    Pooled connections are pinged before use, so a restarted server is picked up without a restart,
    and every wait on a PostgreSQL server is bounded on the client side, so a hung one fails fast.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseProblem(f"The database URL is malformed; a URL looks like {URL_EXAMPLES}.") from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = parsed.database
        if not path or path == ":memory:":
            raise DatabaseProblem("The dashboard needs a SQLite database file, not an in-memory database.")
        if not Path(path).is_file():
            raise DatabaseProblem(
                f"There is no database file at {path}. Check {DATABASE_URL_VARIABLE} or "
                f"{SECRETS_FILE}, or unset them to use the demo database."
            )
        return _sqlite_read_only_engine(Path(path).resolve(), statement_timeout)
    if backend == "postgresql":
        try:
            return _postgresql_read_only_engine(url, statement_timeout)
        except ArgumentError as error:  # NoSuchModuleError: a driver name SQLAlchemy does not know
            raise DatabaseProblem(
                f"The database URL names a driver the dashboard lacks ({parsed.drivername}); "
                f"a URL looks like {URL_EXAMPLES}."
            ) from error
    raise DatabaseProblem(
        f"The dashboard reads SQLite or PostgreSQL databases; {backend!r} is not supported. "
        f"A URL looks like {URL_EXAMPLES}."
    )


_DEADLINE_KEY = "lead_statement_deadline"  # where a running statement's deadline waits to be ended


class SocketDeadline:
    """Shuts a DBAPI connection's socket down unless ``end()`` is called within ``seconds``.

    A paused or wedged PostgreSQL server never answers, yet its kernel still acknowledges every
    packet: neither TCP keepalives nor ``tcp_user_timeout`` notice, and the server-side
    statement_timeout never fires. Shutting the socket makes libpq's wait end at once with
    "server closed the connection", an error SQLAlchemy treats as a lost connection.
    """

    def __init__(self, dbapi_connection: Any, seconds: float) -> None:
        self._connection = dbapi_connection
        self._lock = threading.Lock()
        self.ended = False
        _DEADLINES.watch(self, time.monotonic() + seconds)

    def expire(self) -> None:
        with self._lock:
            if self.ended or self._connection.closed:  # a closed socket's number may be reused by now
                return
            with socket.socket(fileno=os.dup(self._connection.fileno())) as sock:
                sock.shutdown(socket.SHUT_RDWR)

    def end(self) -> None:
        with self._lock:
            self.ended = True


class _DeadlineWatch:
    """One thread that expires every deadline of the process when it falls due.

    A deadline is set for every statement, ping and transaction end; a timer thread apiece cost
    about 0.15 ms each, several per figure. Ended deadlines are dropped when they reach the front of
    the queue, or all at once when the queue grows long.
    """

    COMPACT_AT = 4096

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._queue: list[tuple[float, int, SocketDeadline]] = []
        self._order = itertools.count()  # ties on time never compare the deadlines themselves
        self._thread: threading.Thread | None = None

    def watch(self, deadline: SocketDeadline, due: float) -> None:
        with self._condition:
            if len(self._queue) >= self.COMPACT_AT:
                self._queue = [entry for entry in self._queue if not entry[2].ended]
                heapq.heapify(self._queue)
            heapq.heappush(self._queue, (due, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._expire_when_due, name="lead-deadlines", daemon=True)
                self._thread.start()
            if self._queue[0][2] is deadline:  # the thread sleeps until a later time: wake it
                self._condition.notify()

    def _expire_when_due(self) -> None:
        while True:
            with self._condition:
                while True:
                    while self._queue and self._queue[0][2].ended:
                        heapq.heappop(self._queue)
                    if not self._queue:
                        self._condition.wait()
                        continue
                    wait = self._queue[0][0] - time.monotonic()
                    if wait <= 0:
                        due = heapq.heappop(self._queue)[2]
                        break
                    self._condition.wait(wait)
            due.expire()


_DEADLINES = _DeadlineWatch()


def _postgresql_read_only_engine(url: str, statement_timeout: float) -> Engine:
    # jit=off: the figures' correlated lookups look costly to the planner, which then spends more time
    # compiling them (about 0.6 s for the caseload of a network) than they take to run.
    options = f"-c default_transaction_read_only=on -c statement_timeout={int(statement_timeout * 1000)} -c jit=off"
    # The ping below replaces pool_pre_ping, whose wait on a hung server has no end.
    engine = create_engine(url, connect_args={"options": options, "connect_timeout": CONNECT_TIMEOUT_SECONDS})
    dbapi_error = engine.dialect.loaded_dbapi.Error
    statement_deadline = statement_timeout + STATEMENT_DEADLINE_GRACE_SECONDS

    @event.listens_for(engine, "checkout")
    def ping(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        deadline = SocketDeadline(dbapi_connection, PING_SECONDS)
        try:
            engine.dialect.do_ping(dbapi_connection)
        except dbapi_error as error:
            # The pool discards this connection and checks out a fresh one (bounded by connect_timeout).
            raise DisconnectionError(str(error)) from error
        finally:
            deadline.end()

    @event.listens_for(engine, "before_cursor_execute")
    def start_deadline(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        _end_deadline(conn.info)
        conn.info[_DEADLINE_KEY] = SocketDeadline(cursor.connection, statement_deadline)

    @event.listens_for(engine, "after_cursor_execute")
    def end_deadline(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        _end_deadline(conn.info)

    @event.listens_for(engine, "handle_error")
    def end_deadline_on_error(context: Any) -> None:
        if context.connection is not None and not context.connection.invalidated:
            _end_deadline(context.connection.info)

    # Ending a transaction waits on the server too. No event follows a rollback or commit that went
    # well, so its deadline ends when the connection goes back to the pool (or with the next statement).
    @event.listens_for(engine, "rollback")
    @event.listens_for(engine, "commit")
    def start_transaction_end_deadline(conn: Any) -> None:
        if conn.invalidated:  # the connection is gone: nothing to wait for
            return
        _end_deadline(conn.info)
        conn.info[_DEADLINE_KEY] = SocketDeadline(conn.connection.dbapi_connection, PING_SECONDS)

    @event.listens_for(engine, "checkin")
    def end_deadline_on_checkin(dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            _end_deadline(record.info)

    return engine


def _end_deadline(info: dict[str, Any]) -> None:
    deadline = info.pop(_DEADLINE_KEY, None)
    if deadline is not None:
        deadline.end()


class _TimedSQLiteConnection(sqlite3.Connection):
    """A SQLite connection that knows when its current statement started."""

    statement_started: float = 0.0


# Pragmas that take an argument yet only read: the ones SQLAlchemy's inspector runs.
_READING_PRAGMAS = frozenset(
    {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
)


def _only_this_file_read_only(action: int, first: str | None, second: str | None, *_: str | None) -> int:
    """SQLite authorizer: ``mode=ro`` guards the opened file only. ATTACH (and VACUUM INTO, which
    attaches its target) would create or write another file, and a pragma given a value changes
    how the connection behaves; refuse them."""
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and second is not None and first not in _READING_PRAGMAS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _sqlite_read_only_engine(path: Path, statement_timeout: float) -> Engine:
    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(
            f"file:{path}?mode=ro", uri=True, check_same_thread=False, factory=_TimedSQLiteConnection
        )
        # SQLite has no statement timeout: a progress handler interrupts a statement that runs too long.
        connection.set_progress_handler(
            lambda: int(time.monotonic() - connection.statement_started > statement_timeout), 10_000
        )
        connection.set_authorizer(_only_this_file_read_only)
        return connection

    # An explicit QueuePool: for a "sqlite://" URL (the file comes from the creator) SQLAlchemy would
    # pick SingletonThreadPool, which closes connections still in use once more than five threads
    # (Streamlit sessions) query at once, and the sqlite3 module then crashes the process.
    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool, pool_pre_ping=True)

    @event.listens_for(engine, "before_cursor_execute")
    def start_clock(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        cursor.connection.statement_started = time.monotonic()

    return engine


# The contract's tables (or views) the database has, by the names the figures' statements use: on
# PostgreSQL resolved along the search path, as those statements are, in one catalogue lookup.
_PRESENT_TABLES = {
    "sqlite": text("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name IN :names").bindparams(
        bindparam("names", expanding=True)
    ),
    "postgresql": text(
        "SELECT name FROM unnest(:names) AS name "
        "JOIN pg_catalog.pg_class AS relation ON relation.oid = to_regclass(quote_ident(name)) "
        "WHERE relation.relkind IN ('r', 'p', 'v', 'm', 'f')"
    ).bindparams(bindparam("names", type_=ARRAY(Text))),
}


@aggregate  # table names only: every viewer's run checks them
def missing_tables(conn: Connection) -> list[str]:
    """Contract tables (or views) the database does not have: one query, cheap enough to run on every
    page run; raises DatabaseProblem if the database cannot answer."""
    try:
        present = set(conn.execute(_PRESENT_TABLES[conn.dialect.name], {"names": list(CONTRACT_TABLES)}).scalars())
    except SQLAlchemyError as error:
        raise DatabaseProblem(describe_database_error(error)) from error
    return [table for table in CONTRACT_TABLES if table not in present]


_ROLE = text("SELECT rolname, rolsuper FROM pg_roles WHERE rolname = current_user")
_WRITABLE_TABLES = text(
    "SELECT name FROM unnest(:names) AS name "
    "WHERE has_table_privilege(to_regclass(name), 'INSERT, UPDATE, DELETE, TRUNCATE')"
).bindparams(bindparam("names", type_=ARRAY(Text)))


def role_warnings(url: str) -> list[str]:
    """What the PostgreSQL role the dashboard connects as could write, were it asked to.

    The dashboard's sessions start read-only, but that is a default any session may lift
    (``SET TRANSACTION READ WRITE``); only a role without write privileges, and never a superuser,
    makes "read-only" hold. SQLite files have no roles: nothing to say.
    """
    engine = read_only_engine(url)
    try:
        if engine.dialect.name != "postgresql":
            return []
        with engine.connect() as conn:
            role, superuser = conn.execute(_ROLE).one()
            if superuser:
                return [
                    f"the role {role} is a superuser: it can write anything, read-only session or not. "
                    "Give the dashboard a role that has SELECT on the contract's tables and nothing more."
                ]
            writable = conn.execute(_WRITABLE_TABLES, {"names": list(CONTRACT_TABLES)}).scalars().all()
    except SQLAlchemyError as error:
        raise DatabaseProblem(describe_database_error(error)) from error
    finally:
        engine.dispose()
    if writable:
        return [
            f"the role {role} may write to {', '.join(writable)}: a session can lift its read-only default. "
            "Give the dashboard a role with SELECT only (REVOKE INSERT, UPDATE, DELETE, TRUNCATE)."
        ]
    return []


def describe_database_error(error: SQLAlchemyError) -> str:
    """A one-line, credential-free account of a database error for the screen and the log."""
    original = getattr(error, "orig", None) or error
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    return f"{type(original).__name__}: {first_line}"
