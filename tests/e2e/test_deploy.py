"""The dashboard as a site runs it (docs/DEPLOY.md): deploy/'s nginx terminating TLS in front of two
replicas, sticky per browser, the identity coming from the proxy (``LEAD_TRUST_PROXY_HEADER``).

oauth2-proxy, which does the sign-in at a site, is stood in for by a few lines below that answer
nginx's ``auth_request`` as oauth2-proxy does: 202 with ``X-Auth-Request-Email`` for a browser
holding its session cookie, 401 otherwise. Everything else is real: Debian's nginx with deploy/'s
configuration, two ``streamlit run`` replicas, Chromium.

The tests run in order and share one site; the last stops a replica.
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browser import (
    CONNECTED,
    RENDER_TIMEOUT_MS,
    BrowserProblems,
    main_title,
    metrics,
    navigation,
    number,
    wait_until_rendered,
)
from tests.e2e.conftest import StreamlitServer
from tests.e2e.deployment import REPO, NginxProxy, free_port

# One worker starts this module's servers once and runs its tests in order (pytest.ini: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("deployed-site")

HEADER = "X-Forwarded-Email"
STAFF, PARTNER = "casemanager@lead.test", "detective@police.test"
ROLES = f'[users]\n"{STAFF}" = "staff"\n\n[domains]\n"police.test" = "partner"\n'
SIGN_IN_COOKIE = "_oauth2_proxy"  # the stand-in's session cookie: its value is the signed-in email
SIGN_IN_PAGE = "Sign in with your city account"
EVERY_PAGE = [
    "Overview",
    "Public summary",
    "Enrollment",
    "Re-arrests",
    "Caseload",
    "Referral map",
    "Participants",
    "Weekly meeting",
    "Data quality",
]


class OAuth2ProxyStandIn(http.server.BaseHTTPRequestHandler):
    """oauth2-proxy's two answers to nginx: /oauth2/auth (who is this?) and /oauth2/sign_in."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        cookies = SimpleCookie(self.headers.get("Cookie", ""))
        if self.path.startswith("/oauth2/auth"):
            if SIGN_IN_COOKIE in cookies:
                self.send_response(202)
                self.send_header("X-Auth-Request-Email", cookies[SIGN_IN_COOKIE].value)
            else:
                self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = f"<html><body><h1>{SIGN_IN_PAGE}</h1></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class SignInService(http.server.ThreadingHTTPServer):
    # nginx asks once per request, and a page load makes a hundred at once: with socketserver's
    # default queue of 5 connections the rest wait out TCP's retries (seconds, doubling).
    request_queue_size = 1024


@dataclass
class Site:
    proxy: NginxProxy
    replicas: list[StreamlitServer]

    def replica_of(self, address: str) -> StreamlitServer:
        return next(replica for replica in self.replicas if address.endswith(f":{replica.port}"))


@pytest.fixture(scope="module")
def site(
    start_server: Callable[..., StreamlitServer], demo_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    workdir = tmp_path_factory.mktemp("deploy")
    roles = workdir / "roles.toml"
    roles.write_text(ROLES)
    sign_in_service = SignInService(("127.0.0.1", free_port()), OAuth2ProxyStandIn)
    threading.Thread(target=sign_in_service.serve_forever, daemon=True).start()
    proxy = NginxProxy(workdir / "nginx")
    replicas = [
        start_server(
            LEAD_DATABASE_URL=f"sqlite:///{demo_database}",  # a program database: no demo mode
            LEAD_TRUST_PROXY_HEADER=HEADER,
            LEAD_ROLES_FILE=str(roles),
            STREAMLIT_SERVER_COOKIE_SECRET="deploy-test-server-secret",
        )
        for _ in range(2)
    ]
    try:
        proxy.start(
            [f"127.0.0.1:{replica.port}" for replica in replicas],
            auth_request="/oauth2/auth",
            oauth2_proxy=f"127.0.0.1:{sign_in_service.server_address[1]}",
        )
        yield Site(proxy, replicas)
    finally:
        proxy.stop()
        sign_in_service.shutdown()
        for replica in replicas:
            replica.stop()


@pytest.fixture
def browser_of(browser: Browser, site: Site) -> Iterator[Callable[..., BrowserContext]]:
    """``browser_of(email, **headers)``: a browser signed in at the (stand-in) oauth2-proxy as ``email``."""
    contexts = []

    def open_context(email: str | None, **headers: str) -> BrowserContext:
        # The proxy's certificate is the test's own: the browser is told to accept it.
        context = browser.new_context(
            base_url=site.proxy.url, ignore_https_errors=True, accept_downloads=True, extra_http_headers=headers
        )
        if email:
            context.add_cookies([{"name": SIGN_IN_COOKIE, "value": email, "url": site.proxy.url, "secure": True}])
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


def fetch(site: Site, path: str, headers: dict[str, str], base: str | None = None) -> tuple[int, Message, bytes]:
    """One request with no redirects followed: status, headers, body."""

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirects, urllib.request.HTTPSHandler(context=site.proxy.tls_context()))
    request = urllib.request.Request((base or site.proxy.url) + path, headers=headers)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def open_dashboard(page: Page, path: str = "/") -> None:
    page.goto(path)
    page.locator(CONNECTED).wait_for()
    main_title(page).wait_for()
    wait_until_rendered(page)


def replica_cookie(context: BrowserContext) -> str:
    return next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "lead_replica")


def replicas_seen(site: Site, cookie: str) -> set[str]:
    """The replicas that answered this browser's requests, from nginx's access log."""
    return {upstream.split(", ")[-1] for sent, _, upstream, *_ in site.proxy.requests() if sent == cookie}


def test_the_service_runs_a_replica_on_loopback_as_an_unprivileged_user_with_the_environment_file(tmp_path):
    unit = (REPO / "deploy" / "lead-dashboard@.service").read_text()
    service = dict(re.findall(r"^(\w+)=(.*)$", unit.replace("\\\n", " "), re.MULTILINE))
    command = service["ExecStart"].split()
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "%i"
    assert service["User"] == service["Group"] == "lead-dashboard"
    assert service["EnvironmentFile"] == "/etc/lead-dashboard/lead-dashboard.env"
    assert service["ProtectSystem"] == "strict" and service["NoNewPrivileges"] == "yes"
    verify = shutil.which("systemd-analyze")
    if verify:  # systemd's own check of the unit, with this machine's Python in place of the site's
        instance = tmp_path / "lead-dashboard@8501.service"
        instance.write_text(unit.replace("/opt/lead-dashboard/.venv/bin/python", sys.executable))
        checked = subprocess.run([verify, "verify", str(instance)], capture_output=True, text=True)
        assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr


def test_every_variable_of_the_example_environment_file_is_one_the_dashboard_reads():
    example = (REPO / "deploy" / "lead-dashboard.env.example").read_text()
    names = re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE)
    source = "\n".join(path.read_text() for folder in ("lead_data", "ui") for path in (REPO / folder).glob("*.py"))
    assert {"LEAD_DATABASE_URL", "LEAD_ROLES_FILE", "LEAD_AUDIT_LOG", "LEAD_TRUST_PROXY_HEADER"} <= set(names)
    for name in names:
        if name.startswith("STREAMLIT_"):  # Streamlit's own: server.cookieSecret
            continue
        assert f'"{name}"' in source, name


def test_plain_http_is_sent_to_https(site):
    status, headers, _ = fetch(site, "/enrollment?as_of=2026-11-01", {}, base=site.proxy.http_url)
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/enrollment?as_of=2026-11-01"


def test_every_response_carries_the_security_headers_and_metrics_stay_private(site):
    signed_in = {"Cookie": f"{SIGN_IN_COOKIE}={STAFF}"}
    for path, expected_status in (("/", 200), ("/_stcore/health", 200), ("/_stcore/metrics", 404)):
        status, headers, _ = fetch(site, path, signed_in)
        assert status == expected_status, path
        assert headers["Strict-Transport-Security"].startswith("max-age=63072000"), path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Content-Security-Policy"] == "frame-ancestors 'self'", path
        assert headers["X-Frame-Options"] == "SAMEORIGIN", path
    # The sticky-session cookie: set once, Secure, out of scripts' reach.
    status, headers, _ = fetch(site, "/", signed_in)
    (cookie,) = [cookie for cookie in headers.get_all("Set-Cookie") if cookie.startswith("lead_replica=")]
    assert re.fullmatch(r"lead_replica=[0-9a-f]{32}; Path=/; Secure; HttpOnly; SameSite=Lax", cookie)
    status, headers, _ = fetch(site, "/", {"Cookie": f"{SIGN_IN_COOKIE}={STAFF}; lead_replica=0123"})
    assert status == 200
    assert not [cookie for cookie in headers.get_all("Set-Cookie", []) if cookie.startswith("lead_replica=")]


def test_nobody_reaches_the_dashboard_without_signing_in_at_the_proxy_whatever_header_they_send(site):
    probe = f"/?probe={uuid.uuid4().hex}"  # this request's own line in the log, whatever else browsers ask
    status, _, body = fetch(site, probe, {HEADER: STAFF})
    assert status == 200 and SIGN_IN_PAGE in body.decode()
    # Answered by nginx and oauth2-proxy: no replica was asked.
    (upstream,) = [upstream for _, _, upstream, *_ in site.proxy.requests_for(f"GET {probe} ")]
    assert not any(f":{replica.port}" in upstream for replica in site.replicas), upstream


def test_the_dashboard_believes_the_proxys_identity_header_never_the_clients(site, browser_of):
    # A partner who also sends the header claiming to be staff stays a partner.
    page = browser_of(PARTNER, **{HEADER: STAFF}).new_page()
    open_dashboard(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text(f"{PARTNER} (partner), as vouched for by the proxy's {HEADER} header")
    expect(sidebar.get_by_role("link", name="Weekly meeting")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Participants")).to_have_count(0)
    assert metrics(page)["Active now"]


def test_every_page_renders_through_the_proxy_on_one_replica_and_a_csv_downloads(site, browser_of):
    context = browser_of(STAFF)
    page = context.new_page()
    problems = BrowserProblems.watch(page, site.proxy.url)
    open_dashboard(page)
    menu = navigation(page)
    headings = [main_title(page).inner_text()]  # the first page, Overview
    for title in EVERY_PAGE[1:]:
        menu.get_by_role("link", name=title).click()
        expect(main_title(page)).not_to_have_text(headings[-1], timeout=RENDER_TIMEOUT_MS)
        wait_until_rendered(page)
        headings.append(main_title(page).inner_text())
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        if title == "Participants":
            heading_text = page.get_by_role("heading", name=re.compile(r"^\d[\d,]* participants?$")).inner_text()
            button = page.get_by_test_id("stDownloadButton").filter(has_text="CSV").first
            with page.expect_download() as download:
                button.locator("button").click()
            rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
            assert len(rows) == number(heading_text.split()[0]) > 0
    assert len(set(headings)) == len(EVERY_PAGE), headings
    assert problems.unexpected() == []
    # One browser, one replica: its WebSocket, its pages' files and its download all went there.
    (address,) = replicas_seen(site, replica_cookie(context))
    # And that replica's run log has a line for each page run, with the role and never the email.
    output = site.replica_of(address).log_path.read_text()
    runs = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert {run["page"] for run in runs if run["role"] == "staff"} >= set(EVERY_PAGE)
    assert STAFF not in json.dumps(runs)


def test_when_a_replica_stops_its_open_tab_reconnects_and_new_visits_go_to_the_other(site, browser_of):
    context = browser_of(PARTNER)
    tab = context.new_page()
    open_dashboard(tab)
    (address,) = replicas_seen(site, replica_cookie(context))
    stopped = site.replica_of(address)
    (running,) = {f"127.0.0.1:{replica.port}" for replica in site.replicas} - {address}
    tab.evaluate(
        """() => {  // every connection state the tab goes through from now on
            window.leadConnectionStates = [];
            const app = document.querySelector('[data-testid="stApp"]');
            new MutationObserver(() => window.leadConnectionStates.push(app.dataset.testConnectionState))
                .observe(app, {attributes: true, attributeFilter: ['data-test-connection-state']});
        }"""
    )
    stopped.stop()

    # The open tab shows Streamlit's reconnecting state, then carries on at the other replica (a new
    # session there: the page runs again), never the "connection lost for good" page.
    tab.wait_for_function("() => window.leadConnectionStates.at(-1) === 'CONNECTED'", timeout=60_000)
    states = tab.evaluate("() => window.leadConnectionStates")
    assert "PINGING_SERVER" in states and "DISCONNECTED_FOREVER" not in states, states
    wait_until_rendered(tab)
    assert metrics(tab)["Active now"]

    newcomer = browser_of(STAFF)
    page = newcomer.new_page()
    open_dashboard(page)
    assert metrics(page)["Active now"]
    assert replicas_seen(site, replica_cookie(newcomer)) == {running}
    # The partner's next visit, its cookie still hashing to the stopped replica, is served too.
    open_dashboard(tab)
    assert metrics(tab)["Active now"]
    assert replicas_seen(site, replica_cookie(context)) == {address, running}
