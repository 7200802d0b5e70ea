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
from scripts.benchmark import allowed_script_seconds, markdown
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
        # One cold run per page (--repeat 1): the allowance is that run's figures' time + its margin.
        assert page["allowed_script_s"] == pytest.approx(allowed_script_seconds(page["figures_s"])), page["page"]
        assert page["meets"]["script_s"] == (page["script_s"] <= page["allowed_script_s"]), page["page"]
        assert f"| {page['page']} |" in finished.stdout
    assert measured["map_payload_bytes"] > 0
    assert measured["peak_memory_mb"] > measured["imports_memory_mb"] > 0
    assert sum(measured["demo_rows"].values()) > 0 and measured["build_s"] > 0


@pytest.mark.parametrize(
    "figures_s, allowed_s",
    [
        (0.0, 0.030),  # the floor: the router and the drawing cost some milliseconds whatever the figures
        (0.012, 0.042),  # half of 12 ms is under the floor
        (0.060, 0.090),  # where half the figures' time is the floor
        (0.2, 0.3),  # half of 200 ms is over it
        (1.5, 2.25),
    ],
)
def test_a_page_s_script_may_take_its_figures_time_plus_half_of_it_or_30_ms(figures_s, allowed_s):
    assert allowed_script_seconds(figures_s) == pytest.approx(allowed_s)


def test_the_table_prints_each_page_s_allowance_beside_its_script_and_marks_the_script_against_it():
    def page(title: str, script_s: float, figures_s: float) -> dict:
        allowed = allowed_script_seconds(figures_s)
        return {
            "page": title,
            "cold_s": 0.5,
            "warm_s": 0.05,
            "queries": 3,
            "script_s": script_s,
            "figures_s": figures_s,
            "allowed_script_s": allowed,
            "slowest_figure": {"figure": "caseload_by_team", "seconds": figures_s},
            "background_result_s": None,
            "meets": {"cold_s": True, "warm_s": True, "script_s": script_s <= allowed},
        }

    result = {
        "database": "a test database",
        "peak_memory_mb": 300.0,
        "imports_memory_mb": 200.0,
        "map_payload_bytes": 1_000_000,
        "meets": {"peak_memory_mb": True, "map_payload_bytes": True},
        "pages": [page("Caseload", 0.040, 0.012), page("Overview", 0.310, 0.2)],
    }
    table = markdown({"as_of": "2024-06-30", "backends": {"sqlite": result}})
    assert "| Figures s | Script s (allowed) |" in table
    assert "| Caseload | 0.500 ✓ | 0.050 ✓ | 3 | 0.012 | 0.040 (0.042) ✓ | caseload_by_team 0.012 s |" in table
    assert "| Overview | 0.500 ✓ | 0.050 ✓ | 3 | 0.200 | 0.310 (0.300) ✗ | caseload_by_team 0.200 s |" in table
    assert "script <= figures + max(0.5 × figures, 30 ms) (allowed)" in table


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
