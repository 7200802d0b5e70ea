"""The dashboard's connection: read-only for real, bounded in time, explicit about what it reads."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from streamlit import config as streamlit_config

from lead_data.__main__ import main
from lead_data.db import DATABASE_URL_VARIABLE, DatabaseProblem, choose_database, missing_tables, read_only_engine
from lead_data.models import CONTRACT_TABLES
from tests.apptest import open_app
from tests.program import ProgramDatabase

WRITES = {
    "insert": "INSERT INTO participants (participant_id, first_name, last_name) VALUES (999, 'Not', 'Allowed')",
    "update": "UPDATE participants SET first_name = 'Changed'",
    "delete": "DELETE FROM participants",
    "create": "CREATE TABLE sneaky (x INTEGER)",
    "drop": "DROP TABLE consents",
    "alter": "ALTER TABLE participants ADD COLUMN sneaky INTEGER",
}
SQLITE_ESCAPES = {
    "vacuum_into": "VACUUM INTO '{folder}/copy.sqlite'",
    "attach": "ATTACH DATABASE '{folder}/new.sqlite' AS elsewhere",
    "pragma_with_a_value": "PRAGMA user_version = 7",
}
RUNAWAY = {
    "sqlite": "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r",
    "postgresql": "SELECT pg_sleep(10)",
}


@pytest.mark.parametrize("statement", WRITES.values(), ids=WRITES.keys())
def test_the_dashboard_engine_refuses_every_write(db, statement):
    db.participant("Kept")
    engine = read_only_engine(db.url)
    with engine.connect() as conn, pytest.raises(DBAPIError):
        conn.execute(text(statement))
        conn.commit()
    engine.dispose()
    with db.connect() as conn:
        assert conn.execute(text("SELECT first_name FROM participants")).scalars().all() == ["Kept"]
        assert not missing_tables(conn)


@pytest.mark.parametrize("statement", SQLITE_ESCAPES.values(), ids=SQLITE_ESCAPES.keys())
def test_the_sqlite_engine_writes_no_other_file(tmp_path, statement):
    db = ProgramDatabase(f"sqlite:///{tmp_path / 'program.sqlite'}")
    db.participant("Kept")
    engine = read_only_engine(db.url)
    with engine.connect() as conn, pytest.raises(DBAPIError, match="not authorized|authorization denied"):
        conn.execute(text(statement.format(folder=tmp_path)))
    engine.dispose()
    db.dispose()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["program.sqlite"]


def test_the_sqlite_engine_still_reads_the_schema(tmp_path):
    db = ProgramDatabase(f"sqlite:///{tmp_path / 'program.sqlite'}")
    engine = read_only_engine(db.url)
    with engine.connect() as conn:
        assert not missing_tables(conn)
    assert "participant_id" in {column["name"] for column in inspect(engine).get_columns("enrollments")}
    assert inspect(engine).get_foreign_keys("enrollments")
    engine.dispose()
    db.dispose()


def test_missing_tables_names_a_dropped_table_and_accepts_a_view_in_its_place(db):
    db.execute(
        "DROP TABLE comparison_arrests",
        "ALTER TABLE services RENAME TO service_rows",
        "CREATE VIEW services AS SELECT * FROM service_rows",
    )
    engine = read_only_engine(db.url)
    with engine.connect() as conn:
        assert missing_tables(conn) == ["comparison_arrests"]
    engine.dispose()


def test_a_runaway_query_is_stopped_by_the_statement_timeout(db):
    engine = read_only_engine(db.url, statement_timeout=0.5)
    started = time.monotonic()
    with engine.connect() as conn, pytest.raises(DBAPIError):
        conn.execute(text(RUNAWAY[db.backend]))
    assert time.monotonic() - started < 5
    engine.dispose()


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_postgresql_sessions_run_the_figures_without_jit_compilation(db):
    engine = read_only_engine(db.url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW jit")).scalar_one() == "off"
    engine.dispose()


def test_a_missing_sqlite_file_is_a_clear_problem_not_a_new_empty_database(tmp_path):
    with pytest.raises(DatabaseProblem, match="There is no database file"):
        read_only_engine(f"sqlite:///{tmp_path / 'absent.sqlite'}")
    assert not (tmp_path / "absent.sqlite").exists()


def test_other_database_kinds_are_refused_with_a_message():
    with pytest.raises(DatabaseProblem, match="SQLite or PostgreSQL"):
        read_only_engine("mysql://user@localhost/lead")


MALFORMED_URLS = {"notaurl": "is malformed", "postgresql+nodriver://reader@db.invalid/lead": "names a driver"}


@pytest.mark.parametrize(("url", "diagnosis"), MALFORMED_URLS.items(), ids=["not a URL", "unknown driver"])
def test_a_malformed_database_url_is_called_malformed_and_shown_how_one_looks(url, diagnosis, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, url)
    message = open_app().error[0].value
    assert "cannot be opened" in message and diagnosis in message
    assert "postgresql+psycopg://USER:PASSWORD@HOST:5432/DBNAME" in message
    assert "unavailable" not in message and "will return" not in message


def test_the_environment_variable_wins_over_secrets_and_demo(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.lead]\nurl = "postgresql+psycopg://reader:pw@db.invalid/lead"\n')
    monkeypatch.setenv("LEAD_DATABASE_URL", "sqlite:////srv/lead.sqlite")
    assert choose_database(secrets).url == "sqlite:////srv/lead.sqlite"
    monkeypatch.delenv("LEAD_DATABASE_URL")
    chosen = choose_database(secrets)
    assert (chosen.url, chosen.source) == ("postgresql+psycopg://reader:pw@db.invalid/lead", "secrets")
    assert "pw" not in chosen.display_url
    assert choose_database(tmp_path / "absent.toml").source == "demo"


def test_a_broken_secrets_file_is_a_clear_problem(tmp_path, monkeypatch):
    monkeypatch.delenv("LEAD_DATABASE_URL", raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[connections.lead\nurl = ")
    with pytest.raises(DatabaseProblem, match="not valid TOML"):
        choose_database(secrets)


@pytest.fixture
def streamlit_secrets_file(tmp_path):
    """Where Streamlit reads its secrets (st.secrets) for this test."""
    path = tmp_path / "secrets.toml"
    before = streamlit_config.get_option("secrets.files")
    streamlit_config.set_option("secrets.files", [str(path)])
    yield path
    streamlit_config.set_option("secrets.files", before)


def test_an_invalid_secrets_file_is_named_on_screen_not_taken_for_no_sign_in(streamlit_secrets_file, db, monkeypatch):
    streamlit_secrets_file.write_text('[auth\nclient_id = "lead-dashboard"\n')
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app(user=None)  # no test secrets: the app reads the file, as a real server does
    assert f"Error parsing secrets file at {streamlit_secrets_file}" in at.error[0].value
    assert not any("no sign-in" in warning.value for warning in at.warning)
    assert not at.metric


def test_without_a_secrets_file_there_is_simply_no_sign_in(streamlit_secrets_file, db, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app(user=None)
    assert "no sign-in is configured" in at.warning[0].value
    assert not at.error


# --- who the dashboard connects as: `python -m lead_data check` warns about a role that can write ----


def role_url(db, privileges: str) -> str:
    """The URL of a new login role (not a superuser) granted ``privileges`` on every contract table."""
    role = f"dashboard_{make_url(db.url).database}_{privileges.split(',')[0].lower()}"
    db.execute(
        f"CREATE ROLE {role} LOGIN NOSUPERUSER",
        f"GRANT {privileges} ON {', '.join(CONTRACT_TABLES)} TO {role}",
    )
    return make_url(db.url).set(username=role).render_as_string(hide_password=False)


def check_warnings(url: str, capsys) -> list[str]:
    assert main(["check", "--url", url]) == 0  # an empty database is clean
    return [line for line in capsys.readouterr().err.splitlines() if "warning:" in line]


def test_check_warns_that_a_superuser_role_can_write(db, capsys):
    warnings = check_warnings(db.url, capsys)  # the test server's own role is a superuser
    if db.backend == "sqlite":
        assert warnings == []  # a file has no roles; the engine opens it read-only
    else:
        assert len(warnings) == 1 and "is a superuser" in warnings[0]


@pytest.fixture
def postgresql_db(postgres_server):
    """Roles are PostgreSQL's alone: a program database on the PostgreSQL test server."""
    database = ProgramDatabase(postgres_server.create_database("roles"))
    yield database
    database.dispose()


def test_check_warns_that_a_role_with_write_privileges_can_write(postgresql_db, capsys):
    warnings = check_warnings(role_url(postgresql_db, "SELECT, INSERT"), capsys)
    assert len(warnings) == 1
    assert f"may write to {', '.join(CONTRACT_TABLES)}" in warnings[0]


def test_check_says_nothing_of_a_role_that_may_only_read(postgresql_db, capsys):
    assert check_warnings(role_url(postgresql_db, "SELECT"), capsys) == []
