"""scripts/benchmark.py works end to end: at a tiny scale, on each backend, it measures every page of the
app and writes its figures as JSON. The benchmark gives figures; no test here asserts a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import streamlit as st

from lead_data.db import DATABASE_URL_VARIABLE
from tests.apptest import STAFF_USER, open_app
from tests.conftest import BACKENDS, REQUIRE_POSTGRES
from tests.postgres import postgres_bin_dir
from ui.runlog import recording_figure_calls

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "benchmark.py"
# Staff may open every page of the app, so the benchmark (signed in as staff) measures every page file.
EVERY_PAGE = sorted(f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py"))
D = date(2024, 6, 30)


@pytest.mark.parametrize("backend", BACKENDS)
def test_benchmark_measures_every_page_with_its_statements_and_figures_and_the_maps_bytes(backend, tmp_path):
    if backend == "postgresql" and postgres_bin_dir() is None:
        message = "no PostgreSQL server binaries for the benchmark's own server"
        if os.environ.get(REQUIRE_POSTGRES):
            pytest.fail(message)
        pytest.skip(message)
    figures = tmp_path / "benchmark.json"
    command = [sys.executable, str(SCRIPT), "--scale", "0.01", "--backend", backend, "--json", str(figures)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert finished.returncode == 0, finished.stderr[-4000:]

    document = json.loads(figures.read_text())
    measured = document["backends"][backend]
    assert sorted(page["path"] for page in measured["pages"]) == EVERY_PAGE
    for page in measured["pages"]:
        assert page["cold_s"] > 0 and page["warm_s"] > 0, page["page"]
        assert page["script_s"] > 0, page["page"]
        assert page["queries"] > 0, page["page"]
        assert page["figures"] and page["figures_s"] > 0, page["page"]
        assert page["slowest_figure"]["figure"] in page["figures_loaded"], page["page"]
        # One cold run per page (--repeat 1): the ratio is that run's script over its own figures.
        assert page["ratio"] == pytest.approx(page["script_s"] / page["figures_s"]), page["page"]
        assert f"| {page['page']} |" in finished.stdout
    assert measured["map_payload_bytes"] > 0
    assert measured["peak_memory_mb"] > measured["imports_memory_mb"] > 0
    assert sum(measured["demo_rows"].values()) > 0 and measured["build_s"] > 0


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_benchmark_of_a_database_measures_only_the_pages_named(db, tmp_path):
    team = db.team("Team A")
    db.enroll(db.participant(), intake_on=D - timedelta(days=10), team_id=team)
    figures = tmp_path / "benchmark.json"
    command = [sys.executable, str(SCRIPT), "--scale", "0.01", "--url", db.url, "--as-of", D.isoformat()]
    command += ["--page", "Caseload", "--page", "Overview", "--json", str(figures)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-4000:]

    measured = json.loads(figures.read_text())["backends"]["sqlite"]
    assert [page["page"] for page in measured["pages"]] == ["Overview", "Caseload"]  # in the router's order
    assert "build_s" not in measured  # a database given by --url is measured, not built


@pytest.fixture
def program(db, monkeypatch):
    team = db.team("Team A")
    person = db.participant("Qqcanary", "Benchmarked")
    db.enroll(person, intake_on=D - timedelta(days=10), team_id=team)
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    st.cache_data.clear()  # so the first run below computes every figure


def test_recording_keeps_each_figure_a_run_loaded_with_its_inputs_and_whether_the_run_computed_it(program):
    with recording_figure_calls() as first_run:
        at = open_app("pages/overview.py", user=STAFF_USER, as_of=D.isoformat())
    with recording_figure_calls() as second_run:
        at.run()
    assert first_run and all(call.computed and call.inputs["as_of"] == D for call in first_run)
    assert [call.figure for call in second_run] == [call.figure for call in first_run]
    assert not any(call.computed for call in second_run)
    with recording_figure_calls() as unrecorded:
        pass
    at.run()
    assert unrecorded == []
