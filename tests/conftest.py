from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lead_data.demo import DEFAULT_SEED, write_demo  # noqa: E402
from tests.apptest import ROLES_FILE  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402
from tests.program import ProgramDatabase  # noqa: E402

REQUIRE_POSTGRES = "LEAD_REQUIRE_POSTGRES"
BACKENDS = ("sqlite", "postgresql")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # git-ignored: screenshots, measurements
REPORT = ARTIFACTS / "e2e-report.json"

_report: dict[str, Any] = {}
_summary: list[str] = []


def report(key: str, value: Any, line: str) -> None:
    """Keep a measurement of the browser tests: in artifacts/e2e-report.json and in pytest's closing summary."""
    _report[key] = value
    _summary.append(line)
    _write_report()


def _write_report() -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(_report, indent=2, default=str) + "\n")


# Under pytest-xdist each worker keeps its own measurements and hands them to the controller as it
# finishes; the controller writes the file (every worker's, not the last one's) and the summary. These
# hooks live here, not in tests/e2e/conftest.py, because the controller loads only this conftest.
def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["lead_report"] = json.dumps(_report, default=str)
        session.config.workeroutput["lead_summary"] = _summary


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    output = getattr(node, "workeroutput", {})
    if output.get("lead_summary"):
        _report.update(json.loads(output["lead_report"]))
        _summary.extend(output["lead_summary"])
        _write_report()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _summary:
        terminalreporter.section("LEAD browser tests")
        for line in _summary:
            terminalreporter.write_line(line)


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
    """A new database without any table."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'program.sqlite'}"
    return request.getfixturevalue("postgres_server").create_database()


@pytest.fixture(scope="session")
def sqlite_schema_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the contract's schema and no rows, copied for each ``db``."""
    path = tmp_path_factory.mktemp("template") / "program.sqlite"
    ProgramDatabase(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema_template(postgres_server: PostgresServer) -> str:
    """The name of a PostgreSQL database holding the contract's schema and no rows, the template of each ``db``."""
    url = postgres_server.create_database("schema_template")
    ProgramDatabase(url).dispose()  # no connection may stay open to a template being copied
    return make_url(url).database


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProgramDatabase]:
    """An empty program database with the contract's schema, on each backend in turn.

    A copy of the session's template: creating the schema's tables one by one took longer than most
    tests using it (SQLite ~0.17 s, PostgreSQL ~0.1 s a database); the copy has them all already.
    """
    if request.param == "sqlite":
        path = tmp_path / "program.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_schema_template"), path)
        url = f"sqlite:///{path}"
    else:
        template = request.getfixturevalue("postgres_schema_template")
        url = request.getfixturevalue("postgres_server").create_database(template=template)
    database = ProgramDatabase(url)
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


@pytest.fixture(scope="session")
def generate(tmp_path_factory: pytest.TempPathFactory) -> Generate:
    """The path of the demo database for (seed, as_of), generated on first use in this session (each
    takes seconds, and several modules read the same ones). Nothing may write to it."""
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
