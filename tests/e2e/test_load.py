"""Twenty people open the weekly meeting page at the same moment (twenty tabs of one headless
Chromium, each its own Streamlit session). Every tab must render correctly, and the server must log
one page run per session (ui/runlog.py).

Two sets of figures, never asserted (a benchmark, not a timed test): the server's own script-run
time per session (the run log's ``duration_ms``), and the wall-clock time from the first request to
a fully drawn tab, which adds the browser's work (twenty tabs painting on the same cores). Both go to
artifacts/load-test.json and pytest's summary (and artifacts/e2e-report.json).
"""

from __future__ import annotations

import json
import math
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, report
from tests.e2e.browser import main_title, metrics, number, page_url
from tests.e2e.conftest import StreamlitServer, meeting_metrics
from ui import runlog

SESSIONS = 20
# A date no other test opens, so all twenty sessions meet an empty query cache, as on meeting day.
MEETING_DAY = date(2026, 11, 19)
RENDER_WAIT_SECONDS = 300  # how long a tab is waited for: a hang fails the test, slowness does not
WEEKLY_FIGURES = 7
PAGE_TITLE = "Weekly meeting"  # as the router logs it
RUN_LOG_WAIT_SECONDS = 10
LOAD_REPORT = ARTIFACTS / "load-test.json"

# Runs in every tab from its first script: notes the wall-clock moment the page is fully drawn
# (script at rest, the seven figures, a chart and no placeholder left).
RENDER_CLOCK = """
(() => {
  const check = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const drawn = app
      && app.getAttribute('data-test-script-state') === 'notRunning'
      && app.getAttribute('data-test-connection-state') === 'CONNECTED'
      && document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetricValue"]').length >= FIGURES
      && document.querySelector('[data-testid="stMain"] [data-testid="stPlotlyChart"] svg.main-svg')
      && !document.querySelector('[data-testid="stSkeleton"]');
    if (drawn) { window.__leadRenderedAt = performance.timeOrigin + performance.now(); }
    else { setTimeout(check, 20); }
  };
  setTimeout(check, 20);
})();
""".replace("FIGURES", str(WEEKLY_FIGURES))


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux), to tell the server's share of the wait."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.is_file():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def page_runs(server: StreamlitServer, since_byte: int) -> list[dict[str, Any]]:
    """The run log's page runs that the server wrote to its log after byte ``since_byte``."""
    with server.log_path.open("rb") as log:
        log.seek(since_byte)
        lines = log.read().decode(errors="replace").splitlines()
    runs = []
    for line in lines:
        if not line.startswith("{"):
            continue  # Streamlit's own messages share the log
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line still being written
        if entry.get("event") == runlog.EVENT:
            runs.append(entry)
    return runs


def meeting_runs(server: StreamlitServer, since_byte: int, expected: int) -> list[dict[str, Any]]:
    """The weekly meeting's page runs logged since ``since_byte``, once ``expected`` of them are there
    (or the wait is over: the caller checks how many)."""
    deadline = time.monotonic() + RUN_LOG_WAIT_SECONDS
    while True:
        runs = [run for run in page_runs(server, since_byte) if run["page"] == PAGE_TITLE]
        if len(runs) >= expected or time.monotonic() > deadline:
            return runs
        time.sleep(0.2)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def spread(values: list[float], digits: int) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 0.50), digits),
        "p95": round(percentile(values, 0.95), digits),
        "fastest": round(min(values), digits),
        "slowest": round(max(values), digits),
    }


def test_twenty_sessions_open_the_weekly_meeting_at_once(
    new_context, base_url: str, streamlit_server, figure, record_property
):
    expected = meeting_metrics(figure, MEETING_DAY)
    context = new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(RENDER_CLOCK)
    tabs = [context.new_page() for _ in range(SESSIONS)]

    server_cpu_before = cpu_seconds(streamlit_server.process.pid)
    log_start = streamlit_server.log_path.stat().st_size
    started = time.time() * 1000
    for tab in tabs:  # each call returns once the request is answered, not when the page is drawn
        tab.goto(page_url("/weekly_meeting", as_of=MEETING_DAY), wait_until="commit")
    for tab in tabs:
        tab.wait_for_function("window.__leadRenderedAt !== undefined", timeout=RENDER_WAIT_SECONDS * 1000)
    seconds = sorted((tab.evaluate("window.__leadRenderedAt") - started) / 1000 for tab in tabs)
    server_cpu_after = cpu_seconds(streamlit_server.process.pid)
    server_cpu = None if server_cpu_before is None else round(server_cpu_after - server_cpu_before, 1)

    for tab in tabs:
        expect(tab.get_by_test_id("stException")).to_have_count(0)
        expect(main_title(tab)).to_have_text(f"Week ending {MEETING_DAY:%A %d %B %Y}")
        assert {label: number(value) for label, value in metrics(tab).items()} == expected
        expect(tab.get_by_test_id("stDataFrame").first).to_be_visible()

    runs = meeting_runs(streamlit_server, log_start, SESSIONS)
    assert len(runs) == SESSIONS, f"{len(runs)} weekly-meeting page runs logged for {SESSIONS} sessions: {runs}"

    server = spread([run["duration_ms"] for run in runs], 0)
    browser = spread(seconds, 2)
    computing = sum(any(not loaded["cached"] for loaded in run["figures"]) for run in runs)
    figures = {
        "page": "/weekly_meeting",
        "sessions": SESSIONS,
        "cpus": os.cpu_count(),
        "server_script_run_ms": server,  # ui/runlog.py: each session's page run, on the server
        "browser_rendered_s": browser,  # first request to a fully drawn tab, in Chromium
        "runs_computing_a_figure": computing,  # the rest found every figure in the cache
        "server_cpu_s": server_cpu,
        "load_average_1min": round(os.getloadavg()[0], 1),  # other work on the machine inflates both
        "outcomes": sorted({run["outcome"] for run in runs}),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    LOAD_REPORT.write_text(json.dumps(figures, indent=2) + "\n")
    line = (
        f"{SESSIONS} concurrent sessions of /weekly_meeting: server script run p50 {server['p50']:.0f} ms, "
        f"p95 {server['p95']:.0f} ms ({computing} of {SESSIONS} runs computed a figure); in Chromium, "
        f"first request to a rendered tab p50 {browser['p50']:.1f} s, p95 {browser['p95']:.1f} s "
        f"(slowest {browser['slowest']:.1f} s); the server used {server_cpu} s of CPU on {os.cpu_count()} cores"
    )
    record_property("server_p95_ms", server["p95"])
    record_property("browser_p95_s", browser["p95"])
    report("weekly_meeting_20_sessions", figures, line)
    print(f"\n{line}")
