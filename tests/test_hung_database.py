"""A PostgreSQL server that hangs (paused with SIGSTOP: connections stay open, nothing answers) makes
pages say "unavailable" within seconds, and figures return once it answers again.

Only PostgreSQL can hang this way: a SQLite file has no server to wait for.
"""

from __future__ import annotations

import time
from contextlib import suppress
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from lead_data.db import (
    CONNECT_TIMEOUT_SECONDS,
    DATABASE_URL_VARIABLE,
    PING_SECONDS,
    SocketDeadline,
    read_only_engine,
)
from tests.apptest import metrics, open_app
from tests.program import ProgramDatabase

AS_OF = "2024-06-30"
PAGE_DEADLINE_SECONDS = 10


@pytest.fixture
def one_enrolled(own_postgres_server):
    database = ProgramDatabase(own_postgres_server.create_database())
    database.enroll(database.participant(), intake_on=date(2024, 1, 1))
    database.dispose()
    return database.url


def test_a_hung_server_shows_unavailable_within_ten_seconds_and_figures_return_after(
    own_postgres_server, one_enrolled, monkeypatch
):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, one_enrolled)
    # A first page leaves a connection in the pool, and the figures in the cache.
    assert metrics(open_app(as_of=AS_OF))["Enrolled (ever)"] == "1"

    with own_postgres_server.paused():
        started = time.monotonic()
        during = open_app(as_of=AS_OF)
        waited = time.monotonic() - started
    assert "is unavailable" in during.error[0].value
    assert not during.metric
    assert waited < PAGE_DEADLINE_SECONDS

    after = open_app(as_of=AS_OF)
    assert not after.error
    assert metrics(after)["Enrolled (ever)"] == "1"


def test_a_statement_on_a_hung_server_gives_up_soon_after_the_statement_timeout(own_postgres_server, one_enrolled):
    engine = read_only_engine(one_enrolled, statement_timeout=1)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM participants")).scalar() == 1
        with own_postgres_server.paused():
            started = time.monotonic()
            with pytest.raises(DBAPIError):
                conn.execute(text("SELECT count(*) FROM participants"))
            waited = time.monotonic() - started
    assert 1 <= waited < 5  # the statement timeout (1 s) and a grace of 2 s, not forever
    with engine.connect() as conn:  # a fresh connection once the server answers again
        assert conn.execute(text("SELECT count(*) FROM participants")).scalar() == 1
    engine.dispose()


def test_ending_a_transaction_on_a_hung_server_gives_up(own_postgres_server, one_enrolled):
    engine = read_only_engine(one_enrolled)
    conn = engine.connect()
    assert conn.execute(text("SELECT count(*) FROM participants")).scalar() == 1  # a transaction is open
    with own_postgres_server.paused():
        started = time.monotonic()
        with suppress(DBAPIError):
            conn.close()  # rolls the transaction back: a wait on the server
        waited = time.monotonic() - started
    assert waited < PING_SECONDS + 1
    with engine.connect() as again:
        assert again.execute(text("SELECT count(*) FROM participants")).scalar() == 1
    engine.dispose()


def test_connecting_to_a_hung_server_gives_up_after_the_connect_timeout(own_postgres_server, one_enrolled):
    engine = read_only_engine(one_enrolled)
    with own_postgres_server.paused():
        started = time.monotonic()
        with pytest.raises(DBAPIError):
            engine.connect()
        waited = time.monotonic() - started
    assert waited < CONNECT_TIMEOUT_SECONDS + 1
    engine.dispose()


def test_a_deadline_cuts_its_connection_when_it_falls_due_and_never_once_ended(postgres_server):
    engine = create_engine(postgres_server.create_database())
    with engine.connect() as ended, engine.connect() as later, engine.connect() as due:
        SocketDeadline(later.connection.dbapi_connection, 30)
        SocketDeadline(ended.connection.dbapi_connection, 0.2).end()
        SocketDeadline(due.connection.dbapi_connection, 0.3)
        time.sleep(1)
        assert ended.execute(text("SELECT 1")).scalar() == 1
        assert later.execute(text("SELECT 1")).scalar() == 1
        with pytest.raises(DBAPIError, match="closed|terminated|lost"):
            due.execute(text("SELECT 1"))
    engine.dispose()
