"""WCAG 2.1 AA, as axe-core checks it in the browser: every page each role may open, at a projector's
1280×720 and a laptop's 1920×1080, and the no-access and sign-in pages. Any violation of a wcag2a,
wcag2aa, wcag21a or wcag21aa rule fails; no rule is switched off. And reflow, which axe cannot
judge: every page at 320 CSS px wide and at 200% zoom, checked in the DOM and kept as screenshots.

Staff use the shared demo server (no sign-in: the demo's viewer is staff); leadership, partner and
public each get one server that believes a proxy's identity header (LEAD_TRUST_PROXY_HEADER) and a
roles file naming one user per role. The pages are the ones the app's menu offers each role, so a
page added to ui.navigation.SECTIONS is checked with nothing to change here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from lead_data import access
from tests.e2e.browser import (
    CONNECTED,
    horizontal_overflow,
    navigation_links,
    open_page,
    truncated_metric_values,
    wait_until_rendered,
)
from tests.e2e.conftest import AS_OF, SCREENSHOTS, StreamlitServer

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"1280x720": {"width": 1280, "height": 720}, "1920x1080": {"width": 1920, "height": 1080}}
HEADER = "X-Forwarded-Email"
USERS = {role: f"{role}@lead.test" for role in access.ROLES}
TITLE_SUFFIX = " · LEAD dashboard"

_axe = Axe()


def wcag_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it stands, one line per element."""
    result = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [
        f"{violation['id']} ({violation['impact']}): {node['html'][:200]} | {node.get('failureSummary', '')}"
        for violation in result.response["violations"]
        for node in violation["nodes"]
    ]


@pytest.fixture(scope="module")
def proxy_server(start_server, demo_database: Path, tmp_path_factory) -> StreamlitServer:
    """One server for every signed-in role but the demo's staff: the header names the user."""
    roles = tmp_path_factory.mktemp("roles") / "roles.toml"
    roles.write_text("[users]\n" + "".join(f'"{email}" = "{role}"\n' for role, email in USERS.items()))
    return start_server(
        LEAD_DATABASE_URL=f"sqlite:///{demo_database}", LEAD_TRUST_PROXY_HEADER=HEADER, LEAD_ROLES_FILE=str(roles)
    )


@pytest.fixture
def open_as(proxy_server: StreamlitServer, base_url: str, new_context) -> Callable[[str, str], tuple[Page, str]]:
    """``open_as(role, viewport)``: a fresh browser tab as that role at that window size, and the
    address of the server that knows the role."""

    def tab(role: str, viewport: str) -> tuple[Page, str]:
        if role == access.STAFF:  # the demo server: staff, no sign-in
            return new_context(viewport=VIEWPORTS[viewport]).new_page(), base_url
        context = new_context(viewport=VIEWPORTS[viewport], extra_http_headers={HEADER: USERS[role]})
        return context.new_page(), proxy_server.url

    return tab


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("role", access.ROLES)
def test_every_page_a_role_may_open_meets_wcag_21_aa(role: str, viewport: str, open_as):
    page, server = open_as(role, viewport)
    open_page(page, server + "/", as_of=AS_OF)
    offered = navigation_links(page)
    # Every page the role may open is in its menu, so none escapes the check.
    assert len(offered) == len(access.PERMISSIONS[role].pages), offered

    problems: dict[str, list[str]] = {}
    titles = []
    for title, path in offered.items():
        if path != "/":  # the first page is already open
            open_page(page, server + path, as_of=AS_OF)
        titles.append(page.title())
        assert page.title() == title + TITLE_SUFFIX, path  # each page its own title (WCAG 2.4.2)
        assert page.evaluate("document.documentElement.lang") == "en"  # WCAG 3.1.1
        found = wcag_violations(page)
        if found:
            problems[path] = found
    assert len(set(titles)) == len(titles)
    assert problems == {}, "\n".join(f"{path}: {line}" for path, lines in problems.items() for line in lines)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_no_access_page_meets_wcag_21_aa(viewport: str, proxy_server: StreamlitServer, new_context):
    page = new_context(viewport=VIEWPORTS[viewport]).new_page()  # no header: nobody
    page.goto(proxy_server.url + "/")
    page.locator(CONNECTED).wait_for()
    expect(page.get_by_test_id("stMain")).to_contain_text("no access", timeout=30_000)
    wait_until_rendered(page)
    assert page.title() == "Sign in" + TITLE_SUFFIX
    assert wcag_violations(page) == []


SIGN_IN_SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:9/oauth2callback"
cookie_secret = "accessibility-test-cookie-secret-not-a-real-one"
client_id = "lead-dashboard"
client_secret = "not-a-secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
"""


@pytest.fixture(scope="module")
def sign_in_server(start_server, demo_database: Path) -> StreamlitServer:
    """Sign-in configured; its provider is never contacted, as nobody presses the button."""
    return start_server(secrets_toml=SIGN_IN_SECRETS, LEAD_DATABASE_URL=f"sqlite:///{demo_database}")


@pytest.mark.xdist_group("sign-in-page")  # one worker starts sign_in_server for both sizes
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_sign_in_page_meets_wcag_21_aa(viewport: str, sign_in_server: StreamlitServer, new_context):
    page = new_context(viewport=VIEWPORTS[viewport]).new_page()
    page.goto(sign_in_server.url + "/")
    page.locator(CONNECTED).wait_for()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    wait_until_rendered(page)
    assert wcag_violations(page) == []


# WCAG 1.4.10 Reflow: content fits 320 CSS px without sideways scrolling, data tables excepted; a
# 1280×720 window zoomed to 200% is a 640×360 CSS px window.
REFLOW_WINDOWS = {"320px": {"width": 320, "height": 640}, "zoom200": {"width": 640, "height": 360}}
# Elements that reach past the window's right edge, outside the data tables (which may scroll).
CUT_OFF = """() => {
    const width = document.documentElement.clientWidth;
    const allowed = '[data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stSidebar"]';
    return [...document.querySelectorAll('[data-testid="stMain"] *')]
        .filter(e => !e.closest(allowed) && e.getClientRects().length)
        .filter(e => { const box = e.getBoundingClientRect(); return box.width > 0 && box.right > width + 1; })
        .filter(e => ![...e.children].some(child => child.getBoundingClientRect().right > width + 1))
        .map(e => `${e.tagName.toLowerCase()}.${e.className || ""} "${(e.innerText || "").slice(0, 40)}"`);
}"""


@pytest.mark.parametrize("window", list(REFLOW_WINDOWS))
def test_every_page_reflows_at_320_px_and_200_percent_zoom(window: str, new_context, base_url: str):
    page = new_context(viewport=REFLOW_WINDOWS[window]).new_page()
    open_page(page, "/", as_of=AS_OF)
    problems = {}
    for title, path in navigation_links(page).items():
        open_page(page, path, as_of=AS_OF)
        page.wait_for_timeout(300)  # charts fit themselves to the narrow window
        whole_page_screenshot(page, f"reflow-{window}-{path.strip('/') or 'overview'}.png")
        found = {
            "scrolls sideways": horizontal_overflow(page),
            "cut off": page.evaluate(CUT_OFF),
            "figures cut off": truncated_metric_values(page),
        }
        found = {what: where for what, where in found.items() if where}
        if found:
            problems[title] = found
    assert problems == {}, json.dumps(problems, indent=1)


def whole_page_screenshot(page: Page, name: str) -> None:
    """The whole page for people to look at: the window stretched to the main area's height (the
    main area, not the document, scrolls), then put back."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": window["width"], "height": max(height, window["height"])})
    page.wait_for_timeout(300)
    page.screenshot(path=SCREENSHOTS / name)
    page.set_viewport_size(window)
