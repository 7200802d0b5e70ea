"""Browser tests: Debian's Chromium, driven by Playwright, against a real ``streamlit run`` server.

The session's demo database for a fixed as-of date (so every figure is known; ``generate`` of
tests/conftest.py, the file the demo's own tests read) is the demo database of a dashboard started on a
free localhost port, whose pages open in headless Chromium at ``/usr/bin/chromium`` (or
``LEAD_CHROMIUM``; no browser download: Playwright's own builds cannot be fetched here).

Without that Chromium the browser tests skip, unless ``LEAD_REQUIRE_BROWSER=1`` (CI), where they fail;
under that variable any skipped browser test counts as a failure, the deployment tests' too (they
skip without nginx, openssl or oidc-provider-mock: tests/e2e/deployment.py).

Screenshots and the load-test report go to ``artifacts/`` (git-ignored).

Under pytest-xdist every worker has its own browser, shared server and module servers (session and
module fixtures are per worker); a module whose tests share an expensive site of servers carries an
``xdist_group`` mark, so that under ``--dist loadgroup`` (pytest.ini) one worker starts it once.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from lead_data.db import DEMO_DATABASE_VARIABLE, read_only_engine
from lead_data.demo import DEFAULT_SEED
from lead_data.figures import casework, meeting
from lead_data.site import load_site
from tests.conftest import ARTIFACTS, Generate
from tests.e2e.browser import open_page

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("LEAD_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = "LEAD_REQUIRE_BROWSER"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Twenty tabs in twenty renderer processes thrash a 2-core machine; two shared renderers draw
    # them in about half the time (measured: slowest of 20 tabs 42 s -> 25 s).
    "--renderer-process-limit=2",
]
AS_OF = date(2026, 11, 26)  # the demo's last day of history: every figure below is fixed
SCREENSHOTS = ARTIFACTS / "screenshots"
SERVER_START_SECONDS = 60
# Variables that would point the server at another database or change who may see what.
SERVER_ENV_DROPPED = ("LEAD_DATABASE_URL", "LEAD_TRUST_PROXY_HEADER", "LEAD_ROLES_FILE")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """In CI a browser test that skips is a failure: the browser must be there."""
    outcome = yield
    if outcome.skipped and os.environ.get(REQUIRE_BROWSER) and not hasattr(outcome, "wasxfail"):
        reason = outcome.longrepr[2] if isinstance(outcome.longrepr, tuple) else str(outcome.longrepr)
        outcome.outcome = "failed"
        outcome.longrepr = f"{REQUIRE_BROWSER}=1, so this browser test may not skip: {reason}"
    return outcome


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, not a Playwright download."""
    if not CHROMIUM.is_file():
        message = f"no Chromium at {CHROMIUM} (Debian package 'chromium'; scripts/install-system-packages.sh)"
        if os.environ.get(REQUIRE_BROWSER):
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def demo_database(generate: Generate) -> Path:
    """The default demo as of AS_OF: the same file the demo's own tests read (tests/conftest.py)."""
    return generate(DEFAULT_SEED, AS_OF)


@pytest.fixture(scope="session")
def figure(demo_database: Path) -> Iterator[Callable[..., Any]]:
    """``figure(enrollment.some_figure, as_of=..., ...)``: the expected value, straight from lead_data."""
    engine = read_only_engine(f"sqlite:///{demo_database}")

    def compute(query: Callable[..., Any], /, **inputs: Any) -> Any:
        with engine.connect() as conn:
            return query(conn, **inputs)

    yield compute
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """``streamlit run dashboard.py`` on a free localhost port, the demo file as its demo database.

    It runs in a directory of its own holding a copy of the repository's ``.streamlit/config.toml``
    (the theme under test) and nothing else, so a developer's ``.streamlit/secrets.toml`` (a real
    program database) is never picked up.
    """

    def __init__(
        self, database: Path, workdir: Path, extra_env: dict[str, str] | None = None, secrets_toml: str | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.log_path = workdir / "streamlit.log"
        (workdir / ".streamlit").mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / ".streamlit" / "config.toml", workdir / ".streamlit" / "config.toml")
        if secrets_toml is not None:  # this server's own, e.g. an [auth] section (never the repository's)
            (workdir / ".streamlit" / "secrets.toml").write_text(secrets_toml)
        env = {key: value for key, value in os.environ.items() if key not in SERVER_ENV_DROPPED}
        env[DEMO_DATABASE_VARIABLE] = str(database)
        env["LEAD_AUDIT_LOG"] = str(workdir / "audit.jsonl")
        env["PYTHONUNBUFFERED"] = "1"
        env.update(extra_env or {})
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "dashboard.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, cwd=workdir, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                pytest.fail(f"streamlit exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"streamlit did not answer /_stcore/health within {SERVER_START_SECONDS} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@pytest.fixture(scope="session")
def start_server(
    demo_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., StreamlitServer]]:
    """Start a new dashboard server (with its own secrets.toml, extra environment variables); all stop at
    the session's end."""
    servers: list[StreamlitServer] = []

    def start(secrets_toml: str | None = None, **extra_env: str) -> StreamlitServer:
        server = StreamlitServer(demo_database, tmp_path_factory.mktemp("streamlit"), extra_env, secrets_toml)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def streamlit_server(start_server: Callable[..., StreamlitServer]) -> StreamlitServer:
    return start_server()


@pytest.fixture(scope="session")
def base_url(streamlit_server: StreamlitServer, browser: Browser) -> str:
    """The shared server's address (pytest-playwright resolves ``page.goto("/…")`` against it).

    One visit to the router first: see test_a_deep_link_to_a_fresh_server_goes_through_the_router.
    """
    context = browser.new_context(base_url=streamlit_server.url)
    try:
        open_page(context.new_page(), "/", as_of=AS_OF)
    finally:
        context.close()
    return streamlit_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "accept_downloads": True}  # Playwright's default window: 1280×720


def meeting_metrics(figure: Callable[..., Any], as_of: date) -> dict[str, int]:
    """The weekly meeting's metrics for the week ending ``as_of``, straight from lead_data."""
    changes = figure(meeting.weekly_changes, as_of=as_of)
    expected = dict(zip(changes["figure"], changes["this_week"].astype(int), strict=True))
    deadlines = load_site().deadlines
    expected["Referrals past deadline"] = figure(casework.referrals_past_deadline, as_of=as_of, deadlines=deadlines)
    return expected
