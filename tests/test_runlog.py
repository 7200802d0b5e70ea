"""The run log: one JSON line per page run on standard output, with the figures and whether each
came from the cache; no names."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import streamlit as st

from lead_data.db import DATABASE_URL_VARIABLE
from tests.apptest import NO_ROLE_USER, STAFF_USER, open_app

D = date(2024, 6, 30)


@pytest.fixture
def program(db, monkeypatch):
    team = db.team("Team A")
    person = db.participant("Qqcanary", "Logged")
    db.enroll(person, intake_on=D - timedelta(days=10), team_id=team)
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    st.cache_data.clear()  # so the first run below computes every figure


def page_runs(output: str) -> list[dict]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if line["event"] == "page_run"]


def test_each_page_run_is_one_line_with_its_page_role_duration_and_figures_first_computed_then_cached(program, capsys):
    at = open_app("pages/overview.py", user=STAFF_USER, as_of=D.isoformat())
    at.run()
    first, second = page_runs(capsys.readouterr().out)
    assert (first["page"], first["role"], first["outcome"]) == ("Overview", "staff", "ok")
    assert isinstance(first["duration_ms"], int) and first["duration_ms"] >= 0
    assert first["at"].endswith("+00:00")
    names = [figure["figure"] for figure in first["figures"]]
    assert names and all(not figure["cached"] for figure in first["figures"])
    assert [figure["figure"] for figure in second["figures"]] == names
    assert all(figure["cached"] for figure in second["figures"])


def test_the_run_log_names_neither_the_viewer_nor_any_participant(program, capsys):
    at = open_app("pages/participants.py", user=STAFF_USER, as_of=D.isoformat())
    assert at.dataframe[0].value["name"].tolist() == ["Qqcanary Logged"]
    output = capsys.readouterr().out
    (run,) = [line for line in page_runs(output) if line["page"] == "Participants"]
    assert "participant_list" in [figure["figure"] for figure in run["figures"]]
    assert "Qqcanary" not in output and STAFF_USER not in output


def test_a_viewer_without_a_role_is_logged_on_the_sign_in_page_without_a_role(program, capsys):
    open_app(user=NO_ROLE_USER)
    (run,) = page_runs(capsys.readouterr().out)
    assert (run["page"], run["role"], run["figures"]) == ("Sign in", None, [])
    assert NO_ROLE_USER not in json.dumps(run)


def test_a_run_the_router_stops_before_the_page_is_logged_with_the_page_asked_for(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, f"sqlite:///{tmp_path / 'no-such-database.sqlite'}")
    at = open_app("pages/overview.py", user=STAFF_USER, as_of=D.isoformat())
    assert at.error  # the router's message that the database cannot be opened
    (run,) = page_runs(capsys.readouterr().out)
    assert (run["page"], run["role"], run["outcome"], run["figures"]) == ("Overview", "staff", "stopped", [])
