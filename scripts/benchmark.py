"""Speed and memory of every page of the dashboard at network size, printed as figures (not a test).

    .venv/bin/python scripts/benchmark.py --scale S [--url URL] [--backend sqlite|postgresql|both]
                                          [--json PATH] [--as-of YYYY-MM-DD] [--repeat N]

Builds the network-size demo at scale S (scale 1: 100,000 participants) into a temporary SQLite file
and/or a throwaway PostgreSQL server of its own, timing the build; with --url it benchmarks that
database instead and writes nothing to it. Then, per backend, in a process of its own (so its peak
memory is that backend's), it opens every page of the router that staff may open under Streamlit's
AppTest, signed in as staff, and measures:

- cold: the page's run with ``st.cache_data`` cleared, in a fresh AppTest (a new session of a server
  that has started: what the server builds once at start-up, the registry of installed
  Streamlit components, is built once here too);
- warm: the same AppTest's rerun;
- queries: the SQL statements the cold run sent (SQLAlchemy ``before_cursor_execute``);
- script and figures, after every page's cold and warm runs and the peak memory: cold runs again,
  each followed at once by the figures it computed (as ``ui.data.load`` recorded them with their
  inputs, ``ui.runlog.recording_figure_calls``) run directly on a pooled connection in the page's
  order; script is the server's time for the run as the router logs it (``ui.runlog.script_run``:
  the sign-in, menu, sidebar and page, without AppTest's own work around the run); what the script
  takes beyond its figures is what the page costs besides its queries;
- for a page that computes a long figure in the background (Data quality: ``ui.background``), how
  long after its cold run began the figure was ready;
- peak memory (VmHWM) after every page ran, and the bytes of the Referral map's pydeck JSON.

Every page runs once untimed first, as on a server that has already started. Goals (issue 10):
cold <= 1.0 s, warm <= 0.15 s, peak <= 400 MB, map <= 2 MB, and (issue 20) script <= figures +
max(0.5 × figures, 30 ms): the router's few milliseconds and a table's drawing fit in a page whose
figures take 10-20 ms; each figure is marked ✓ or ✗. Prints a Markdown table per backend and writes
the figures as JSON (default artifacts/benchmark-<backend>-scale<S>.json).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, event, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from lead_data import access  # noqa: E402
from lead_data.db import DATABASE_URL_VARIABLE, read_only_engine  # noqa: E402
from lead_data.demo import PARTICIPANTS_PER_SCALE, write_network_demo  # noqa: E402
from lead_data.models import Contact  # noqa: E402
from tests.apptest import APP, AUTH_SECRETS, ROLES_FILE, STAFF_USER  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402
from ui.navigation import PAGES  # noqa: E402

if TYPE_CHECKING:  # only the measuring process imports Streamlit's testing runtime
    from streamlit.testing.v1 import AppTest

BACKENDS = ("sqlite", "postgresql")
BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
GOALS = {
    "cold_s": 1.0,
    "warm_s": 0.15,
    # A page's script may take its figures' time plus this share of it, or plus the floor if more.
    "script_over_figures_share": 0.5,
    "script_over_figures_floor_s": 0.030,
    "peak_memory_mb": 400,
    "map_payload_bytes": 2_000_000,
}
MAP_PAGE = "pages/referral_map.py"
CLIENT_PAGE = "pages/client.py"
PAGE_TIMEOUT_SECONDS = 600  # a page of a slow database at scale 1 still finishes and is measured
ROLES_FILE_VARIABLE, AUDIT_LOG_VARIABLE = "LEAD_ROLES_FILE", "LEAD_AUDIT_LOG"


# --- the pages ------------------------------------------------------------------------------------


def allowed_script_seconds(figures_seconds: float) -> float:
    """The most a page's script may take (the goal): its figures' time + max(0.5 × it, 30 ms)."""
    margin = max(GOALS["script_over_figures_share"] * figures_seconds, GOALS["script_over_figures_floor_s"])
    return figures_seconds + margin


def router_pages() -> list[tuple[str, str]]:
    """(path, title) of every page of the router (ui.navigation) that staff may open, in menu order."""
    staff = access.PERMISSIONS[access.STAFF]
    return [(page.path, page.title) for page in PAGES if staff.may_open(page.key)]


# --- measuring one backend (runs in a process of its own) -----------------------------------------


@contextmanager
def counting_statements() -> Iterator[list[int]]:
    """A one-item list holding how many SQL statements any engine sent while this was open."""
    count = [0]

    def counted(*_: Any) -> None:
        count[0] += 1

    event.listen(Engine, "before_cursor_execute", counted)
    try:
        yield count
    finally:
        event.remove(Engine, "before_cursor_execute", counted)


def busiest_client(engine: Engine) -> int | None:
    """The participant with the most contacts: the Client page's longest timeline."""
    with engine.connect() as conn:
        return conn.execute(
            select(Contact.participant_id)
            .group_by(Contact.participant_id)
            .order_by(func.count().desc(), Contact.participant_id)
            .limit(1)
        ).scalar()


def signed_in_app(page: str, query: dict[str, str], components: Any = None) -> AppTest:
    """A fresh AppTest of the dashboard, signed in as staff (as tests/apptest.py open_app), on ``page``;
    with ``components``, an earlier AppTest's registry of installed Streamlit components.

    A fresh AppTest scans every installed package for Streamlit components on its first run (about
    0.16 s here, more than most pages' queries), which a server does once when it starts: the
    benchmark's sessions share the registry as a running server's do.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=PAGE_TIMEOUT_SECONDS)
    if components is not None:
        at._bidi_component_manager = components
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": STAFF_USER, "email_verified": True, "name": "Benchmark"}
    for key, value in query.items():
        at.query_params[key] = value
    return at.switch_page(page)


def ran_cleanly(at: AppTest, title: str) -> None:
    if at.exception:
        raise SystemExit(f"{title} failed under AppTest: {[exception.value for exception in at.exception]}")


def map_payload_bytes(at: AppTest) -> int:
    """Bytes of the pydeck JSON the page sends to the browser (all its maps)."""
    return sum(len(chart.proto.json.encode()) for chart in at.get("deck_gl_json_chart"))


def peak_memory_mb() -> float:
    """This process's peak resident memory so far: Linux's VmHWM, which starts afresh when the
    measuring process is started (``ru_maxrss`` would carry over the parent's, which built the demo)."""
    status = Path("/proc/self/status").read_text()
    (line,) = (line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024  # kB


def measure(url: str, as_of: date, repeat: int, only: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every page's (or only the titled pages') cold and warm run, statements, figures timed directly,
    peak memory, map bytes."""
    import streamlit as st

    # Caching and AppTests outside a script run warn each time (on import, on clearing); nothing is
    # wrong. A filter, not a level: Streamlit sets its loggers' levels again when it reads its config.
    for name in ("streamlit.runtime.caching.cache_data_api", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).addFilter(lambda record: record.levelno >= logging.ERROR)

    import streamlit.testing.v1  # noqa: F401 - AppTest's runtime, imported before the baseline is read

    from ui.background import wait_for_background_figures
    from ui.casework import CLIENT_PARAMETER
    from ui.runlog import FigureCall, recording_figure_calls, recording_script_runs

    imports_memory_mb = peak_memory_mb()
    engine = read_only_engine(url)
    query = {"as_of": as_of.isoformat()}
    client = busiest_client(engine)
    pages = [(path, title) for path, title in router_pages() if not only or title in only]

    def page_query(path: str) -> dict[str, str]:
        return {**query, CLIENT_PARAMETER: str(client)} if path == CLIENT_PAGE and client is not None else query

    components = None
    for path, title in pages:  # imports, the engine's pool, the database's own caches: as on a running server
        at = signed_in_app(path, page_query(path), components).run()
        ran_cleanly(at, title)
        components = at._bidi_component_manager
        wait_for_background_figures()

    def direct_seconds(calls: list[FigureCall]) -> list[float]:
        """Each call's time, running every call once in the page's order, as the page's run does (a
        figure repeated on its own finds its pages still in SQLite's cache: the Weekly meeting's
        agenda took 0.22 s so, 0.31-0.36 s after the others)."""
        times = []
        for call in calls:
            started = time.perf_counter()  # the connection's checkout included, as in ui.data's cached call
            with engine.connect() as conn:
                call.figure(conn, **call.inputs)
            times.append(time.perf_counter() - started)
        return times

    def cold_run(path: str, title: str) -> tuple[AppTest, float, float, list[FigureCall], int]:
        """A fresh session's run with no figure cached: the AppTest, its wall time, the script's own
        time (the run log's), the figures it loaded and the statements it sent."""
        st.cache_data.clear()
        at = signed_in_app(path, page_query(path), components)
        with recording_figure_calls() as calls, recording_script_runs() as runs, counting_statements() as statements:
            started = time.perf_counter()
            at.run()
            wall = time.perf_counter() - started
        ran_cleanly(at, title)
        return at, wall, sum(runs), calls, statements[0]

    measured: list[dict[str, Any]] = []
    map_bytes = 0
    for path, title in pages:
        colds, warms, results = [], [], []
        for _ in range(repeat):
            started = time.perf_counter()
            at, wall, _, calls, statements = cold_run(path, title)
            colds.append(wall)
            if wait_for_background_figures():  # the page showed progress; its result came later
                results.append(time.perf_counter() - started)
            with counting_statements() as warm_statements:
                started = time.perf_counter()
                at.run()
                warms.append(time.perf_counter() - started)
            ran_cleanly(at, title)
        if path == MAP_PAGE:
            map_bytes = map_payload_bytes(at)
        measured.append(
            {
                "page": title,
                "path": path,
                "cold_s": statistics.median(colds),
                "background_result_s": statistics.median(results) if results else None,
                "warm_s": statistics.median(warms),
                "queries": statements,
                "warm_queries": warm_statements[0],
                "figures_loaded": [call.figure.__name__ for call in calls],
            }
        )
    peak_mb = peak_memory_mb()  # the pages' alone: the figures run directly below hold memory of their own

    for page in measured:
        # Cold runs again, each followed at once by its figures run directly: a run and its figures
        # meet the same load on a machine whose times move by up to a half from minute to minute.
        scripts, passes = [], []
        for _ in range(repeat):
            _, _, script, calls, _ = cold_run(page["path"], page["page"])
            wait_for_background_figures()
            computed = [call for call in calls if call.computed]
            scripts.append(script)
            passes.append(direct_seconds(computed))
        timed = [
            {"figure": call.figure.__name__, "seconds": statistics.median(seconds)}
            for call, seconds in zip(computed, zip(*passes, strict=True), strict=True)
        ]
        figures_s = statistics.median(sum(seconds) for seconds in passes)
        page.update(
            script_s=statistics.median(scripts),
            figures=timed,
            figures_s=figures_s,
            allowed_script_s=allowed_script_seconds(figures_s),
            slowest_figure=max(timed, key=lambda figure: figure["seconds"]) if timed else None,
        )
        page["meets"] = {
            "cold_s": page["cold_s"] <= GOALS["cold_s"],
            "warm_s": page["warm_s"] <= GOALS["warm_s"],
            "script_s": page["script_s"] <= page["allowed_script_s"],
        }
    engine.dispose()
    return {
        "client_participant_id": client,
        "peak_memory_mb": peak_mb,
        "imports_memory_mb": imports_memory_mb,
        "map_payload_bytes": map_bytes,
        "meets": {
            "peak_memory_mb": peak_mb <= GOALS["peak_memory_mb"],
            "map_payload_bytes": map_bytes <= GOALS["map_payload_bytes"],
        },
        "pages": measured,
    }


def measure_in_own_process(
    url: str, as_of: date, repeat: int, folder: Path, only: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``measure`` in a new Python process, signed-in setup in ``folder``: its peak memory is the pages' alone."""
    roles, result = folder / "roles.toml", folder / "measured.json"
    roles.write_text(ROLES_FILE)
    environment = {
        **os.environ,
        DATABASE_URL_VARIABLE: url,
        ROLES_FILE_VARIABLE: str(roles),
        AUDIT_LOG_VARIABLE: str(folder / "audit.jsonl"),
    }
    environment.pop("LEAD_TRUST_PROXY_HEADER", None)
    command = [sys.executable, __file__, "--measure", url, "--result", str(result), "--as-of", as_of.isoformat()]
    command += [argument for title in only for argument in ("--page", title)]
    # Standard output carries the run log's line per page run: not wanted here.
    subprocess.run(
        [*command, "--repeat", str(repeat)], check=True, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL
    )
    return json.loads(result.read_text())


# --- building the demo and running each backend ---------------------------------------------------


def timed_demo(target: Path | str, scale: float, as_of: date) -> dict[str, Any]:
    started = time.perf_counter()
    rows = write_network_demo(target, participants=round(scale * PARTICIPANTS_PER_SCALE), as_of=as_of)
    return {"build_s": time.perf_counter() - started, "demo_rows": rows}


def benchmark_backend(
    backend: str, scale: float, as_of: date, repeat: int, only: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Build the demo at ``scale`` on ``backend`` (a temporary file, or a server of its own) and measure it."""
    folder = Path(tempfile.mkdtemp(prefix=f"lead-bench-{backend}-"))
    try:
        if backend == "sqlite":
            database = folder / "demo.sqlite"
            built = timed_demo(database, scale, as_of)
            return {**built, **measure_in_own_process(f"sqlite:///{database}", as_of, repeat, folder, only)}
        server_folder = Path(tempfile.mkdtemp(prefix="lead-bench-pg-"))  # its own: handed to the postgres user
        try:
            server = PostgresServer(server_folder)
            server.start()
            try:
                url = server.create_database("bench")
                built = timed_demo(url, scale, as_of)
                # Statistics and the visibility map (which index-only scans rely on), as autovacuum
                # makes them soon after a bulk load on any real server.
                vacuum = create_engine(url, isolation_level="AUTOCOMMIT")
                with vacuum.connect() as conn:
                    conn.execute(text("VACUUM ANALYZE"))
                vacuum.dispose()
                return {**built, **measure_in_own_process(url, as_of, repeat, folder, only)}
            finally:
                server.stop(missing_ok=True)
        finally:
            shutil.rmtree(server_folder, ignore_errors=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the report -----------------------------------------------------------------------------------


def mark(meets: bool) -> str:
    return "✓" if meets else "✗"


def markdown(document: dict[str, Any]) -> str:
    """A Markdown section per backend, ready to paste into docs/SPEED.md."""
    lines = []
    for backend, result in document["backends"].items():
        lines.append(f"**{BACKEND_NAMES.get(backend, backend)}**, {result['database']}, as of {document['as_of']}.")
        if "build_s" in result:
            lines.append(
                f"Scale {document['scale']:g} ({document['participants']:,} participants): built in "
                f"{result['build_s']:.1f} s ({sum(result['demo_rows'].values()):,} rows)."
            )
        lines += [
            f"Peak memory {result['peak_memory_mb']:.0f} MB {mark(result['meets']['peak_memory_mb'])} "
            f"({result['imports_memory_mb']:.0f} MB of it once the app's modules are imported); "
            f"the map sends {result['map_payload_bytes'] / 1e6:.2f} MB {mark(result['meets']['map_payload_bytes'])}.",
            "",
            "| Page | Cold s | Warm s | Queries | Figures s | Script s (allowed) | Slowest figure |",
            "|---|--:|--:|--:|--:|--:|---|",
        ]
        for page in result["pages"]:
            meets = page["meets"]
            slowest = page["slowest_figure"]
            slowest_text = f"{slowest['figure']} {slowest['seconds']:.3f} s" if slowest else "–"
            lines.append(
                f"| {page['page']} | {page['cold_s']:.3f} {mark(meets['cold_s'])} | {page['warm_s']:.3f} "
                f"{mark(meets['warm_s'])} | {page['queries']} | {page['figures_s']:.3f} | {page['script_s']:.3f} "
                f"({page['allowed_script_s']:.3f}) {mark(meets['script_s'])} | {slowest_text} |"
            )
        lines += [
            f"\n{page['page']}: the cold run showed progress; the figure computed in the background was ready "
            f"{page['background_result_s']:.1f} s after the run began."
            for page in result["pages"]
            if page["background_result_s"] is not None
        ]
        lines.append("")
    goals = GOALS
    lines.append(
        f"Goals: cold <= {goals['cold_s']} s, warm <= {goals['warm_s']} s, script <= figures + "
        f"max({goals['script_over_figures_share']:g} × figures, {goals['script_over_figures_floor_s'] * 1000:g} ms) "
        f"(allowed), peak memory <= {goals['peak_memory_mb']} MB, map <= {goals['map_payload_bytes'] / 1e6:g} MB."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, help="network size: 1 = 100,000 participants (required)")
    parser.add_argument("--url", help="benchmark this database instead of a fresh demo (nothing is written to it)")
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both", help="where the demo goes")
    parser.add_argument(
        "--json", type=Path, help="where the figures go (default artifacts/benchmark-<backend>-scale<S>.json)"
    )
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today(), help="the demo's and the pages' date")
    parser.add_argument(
        "--repeat", type=int, default=1, help="cold runs per page, each followed by its figures run directly (medians)"
    )
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        metavar="TITLE",
        help="measure only this page (repeatable; default every page)",
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process that measures one database
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        measured = measure(arguments.measure, arguments.as_of, arguments.repeat, tuple(arguments.page))
        arguments.result.write_text(json.dumps(measured))
        return
    if arguments.scale is None or arguments.scale <= 0 or arguments.repeat < 1:
        parser.error("--scale is required and must be above 0; --repeat must be at least 1")

    results = {}
    if arguments.url:
        backend = make_url(arguments.url).get_backend_name()
        folder = Path(tempfile.mkdtemp(prefix="lead-bench-url-"))
        try:
            results[backend] = measure_in_own_process(
                arguments.url, arguments.as_of, arguments.repeat, folder, tuple(arguments.page)
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        results[backend]["database"] = make_url(arguments.url).render_as_string(hide_password=True)
        label = backend
    else:
        label = arguments.backend
        for backend in BACKENDS if label == "both" else (label,):
            results[backend] = benchmark_backend(
                backend, arguments.scale, arguments.as_of, arguments.repeat, tuple(arguments.page)
            )
            results[backend]["database"] = "the network-size demo"
    document = {
        "scale": arguments.scale,
        "participants": round(arguments.scale * PARTICIPANTS_PER_SCALE),
        "as_of": arguments.as_of.isoformat(),
        "goals": GOALS,
        "backends": results,
    }
    path = arguments.json or ROOT / "artifacts" / f"benchmark-{label}-scale{arguments.scale:g}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(markdown(document))
    print(f"\nFigures written to {path}")


if __name__ == "__main__":
    main()
