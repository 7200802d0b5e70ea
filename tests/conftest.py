from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lead_data.demo import DEFAULT_SEED, write_demo  # noqa: E402
from tests.apptest import ROLES_FILE  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402
from tests.program import ProgramDatabase  # noqa: E402

REQUIRE_POSTGRES = "LEAD_REQUIRE_POSTGRES"
BACKENDS = ("sqlite", "postgresql")


def started_postgres() -> Iterator[PostgresServer]:
    """A new PostgreSQL server in a temporary directory. In CI (LEAD_REQUIRE_POSTGRES=1) it must start."""
    root = Path(tempfile.mkdtemp(prefix="lead-pg-"))
    try:
        server = PostgresServer(root)
        server.start()
    except Exception as error:  # noqa: BLE001 - any failure to start means no PostgreSQL here
        shutil.rmtree(root, ignore_errors=True)
        message = f"PostgreSQL test server unavailable: {error}"
        if os.environ.get(REQUIRE_POSTGRES):
            pytest.fail(message)
        pytest.skip(message)
    yield server
    server.stop(missing_ok=True)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server shared by the whole session."""
    yield from started_postgres()


@pytest.fixture
def own_postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the test's own, which it may stop and start."""
    yield from started_postgres()


def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'program.sqlite'}"
    return request.getfixturevalue("postgres_server").create_database()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProgramDatabase]:
    """An empty program database with the contract's schema, on each backend in turn."""
    database = ProgramDatabase(database_url(request.param, request, tmp_path))
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def dashboard_engines_closed() -> Iterator[None]:
    """The dashboard keeps one read-only engine per database URL for the life of the process; each test
    database is used by one test, so its engine (and pooled connections) go when the test ends."""
    yield
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def roles_and_audit_files(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets the test roles file and an audit log of its own; returns the audit log's path."""
    folder = tmp_path_factory.mktemp("access")
    roles = folder / "roles.toml"
    roles.write_text(ROLES_FILE)
    monkeypatch.setenv("LEAD_ROLES_FILE", str(roles))
    audit_log = folder / "audit.jsonl"
    monkeypatch.setenv("LEAD_AUDIT_LOG", str(audit_log))
    monkeypatch.delenv("LEAD_TRUST_PROXY_HEADER", raising=False)
    return audit_log


# --- generated demo databases, shared by the demo's test modules ----------------------------------

DEMO_AS_OF = date(2026, 11, 26)
Generate = Callable[[int, date], Path]


@pytest.fixture(scope="module")
def generate(tmp_path_factory: pytest.TempPathFactory) -> Generate:
    """The path of the demo database for (seed, as_of), generated on first use in this module."""
    made: dict[tuple[int, date], Path] = {}

    def demo_database(seed: int, as_of: date) -> Path:
        if (seed, as_of) not in made:
            path = tmp_path_factory.mktemp("demo") / f"demo-{seed}-{as_of}.sqlite"
            write_demo(path, seed=seed, as_of=as_of)
            made[seed, as_of] = path
        return made[seed, as_of]

    return demo_database


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


@pytest.fixture(scope="module")
def demo(generate: Generate) -> Iterator[sqlite3.Connection]:
    """The default demo (default seed, as of DEMO_AS_OF), read-only."""
    connection = connect(generate(DEFAULT_SEED, DEMO_AS_OF))
    yield connection
    connection.close()
