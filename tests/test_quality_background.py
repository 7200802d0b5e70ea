"""The Data quality page's check runs in a background thread: a small database's findings appear in the
page's first run; a check that outlasts the wait shows its progress, then its findings on a later run;
a failed check explains itself; sessions share one running check.

A slow check is made slow for real: another connection holds a lock on a table the check reads
(comparison_arrests, which the check reads last but one and the Overview page, opened first, not at all).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.figures import quality
from lead_data.models import CONTRACT_TABLES
from tests.apptest import open_app
from tests.program import ProgramDatabase
from ui import background, runlog

PAGE = "pages/data_quality.py"
CHECKING = "Checking the database against the data contract… started"


def with_one_impossible_exit(db: ProgramDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1), exited_on=date(2024, 2, 1))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)


def exited_before_intake(at: AppTest) -> list[int]:
    """The rows counted by the page's finding that enrollments.exited_on is before intake_on."""
    findings = at.dataframe[0].value
    return findings[findings["column"] == "exited_on"]["rows"].tolist()


@contextmanager
def comparison_arrests_locked(url: str) -> Iterator[None]:
    """Another session holds a lock on comparison_arrests until the block ends."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("LOCK TABLE comparison_arrests IN ACCESS EXCLUSIVE MODE"))
            yield
            conn.rollback()
    finally:
        engine.dispose()


def run_until_shown(at: AppTest, *, seconds: float = 60) -> AppTest:
    """Rerun the page, as its polling fragment would, until the check's result replaces its status."""
    deadline = time.monotonic() + seconds
    while at.status and time.monotonic() < deadline:
        time.sleep(0.2)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_small_databases_findings_appear_in_the_first_run(db, monkeypatch):
    with_one_impossible_exit(db, monkeypatch)
    at = open_app(PAGE)
    assert not at.status
    assert exited_before_intake(at) == [1]


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_a_check_outlasting_the_wait_shows_its_status_then_its_findings(db, monkeypatch):
    with_one_impossible_exit(db, monkeypatch)
    monkeypatch.setattr(background, "LONGEST_WAIT_SECONDS", 0.3)
    with comparison_arrests_locked(db.url):
        at = open_app(PAGE)
        assert at.status[0].label.startswith(CHECKING)
        assert at.status[0].state == "running"
        assert not at.dataframe
        at.run()  # still blocked: still checking
        assert at.status[0].label.startswith(CHECKING)
    run_until_shown(at)
    assert not at.status
    assert exited_before_intake(at) == [1]


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_two_sessions_share_one_running_check(db, monkeypatch):
    with_one_impossible_exit(db, monkeypatch)
    monkeypatch.setattr(background, "LONGEST_WAIT_SECONDS", 0.3)
    with comparison_arrests_locked(db.url), runlog.recording_figure_calls() as calls:
        first, second = open_app(PAGE), open_app(PAGE)
        assert first.status[0].label == second.status[0].label  # the same start time
        checks = [call for call in calls if call.figure.__name__ == "check_database"]
        assert [call.computed for call in checks] == [True, False]
        with db.connect() as conn:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar_one()
        assert waiting == 1
    assert exited_before_intake(run_until_shown(first)) == exited_before_intake(run_until_shown(second)) == [1]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_failed_check_shows_the_same_message_as_any_figure(db, monkeypatch, caplog):
    with_one_impossible_exit(db, monkeypatch)
    at = open_app(PAGE)
    assert exited_before_intake(at) == [1]
    # A writer holding the file's exclusive lock past the reader's busy timeout makes the check fail.
    writer = create_engine(db.url, connect_args={"isolation_level": None})
    try:
        with writer.connect() as conn:
            conn.exec_driver_sql("BEGIN EXCLUSIVE")
            at.button(key="check_again").click().run()  # Check again
            deadline = time.monotonic() + 30
            while not at.error and time.monotonic() < deadline:
                time.sleep(0.2)
                at.run()
            conn.exec_driver_sql("ROLLBACK")
    finally:
        writer.dispose()
    assert "The program database could not answer (check_database)" in at.error[0].value
    assert not at.exception
    assert "could not answer (check_database)" in caplog.text


def test_check_again_finds_what_changed_since_the_last_check(db, monkeypatch):
    db.enroll(db.participant(), intake_on=date(2024, 3, 1))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app(PAGE)
    assert "No problems found" in at.success[0].value
    db.enroll(db.participant(), intake_on=date(2024, 3, 1), exited_on=date(2024, 2, 1))
    at.run()
    assert "No problems found" in at.success[0].value  # the check is kept, like any figure
    at.button(key="check_again").click().run()
    assert exited_before_intake(run_until_shown(at)) == [1]


def test_the_check_tells_its_progress_table_by_table_with_the_rows_read(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 3, 1))
    db.contact(person, date(2024, 3, 2))
    db.contact(person, date(2024, 3, 9))
    told: list[tuple[int, int, int]] = []
    with db.connect() as conn:
        rows = {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in CONTRACT_TABLES}
        quality.check_database(conn, today=date(2024, 6, 30), progress=lambda *step: told.append(step))
    tables = len(CONTRACT_TABLES)
    assert rows["contacts"] == 2 and rows["participants"] == 1
    assert told[0] == (0, tables, 0)
    assert told[-1] == (tables, tables, sum(rows.values()))
    assert [done for done, _, _ in told] == list(range(tables + 1))
