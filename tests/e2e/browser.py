"""Driving the dashboard in a browser as a person does, and reading back what the page shows.

The waits follow STREAMLIT_NOTES.md B13: the app shell, a live connection, the page's title, the
script at rest, and no skeleton placeholders left (elements still on their way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode, urlparse

from playwright.sync_api import ConsoleMessage, Locator, Page, Request, expect

RENDER_TIMEOUT_MS = 60_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
BACKGROUND_STATUS = re.compile(r"… started \d\d:\d\d")  # ui.background's status while a figure is computed
CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'


def page_url(path: str, **params: object) -> str:
    """A dashboard path with query parameters, dates as ISO strings."""
    query = {key: value.isoformat() if isinstance(value, date) else str(value) for key, value in params.items()}
    if not query:
        return path
    return path + ("&" if "?" in path else "?") + urlencode(query)


def wait_until_rendered(page: Page, timeout: float = RENDER_TIMEOUT_MS) -> None:
    """The script has finished and every element it drew has arrived."""
    page.locator(IDLE).wait_for(timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
    page.locator(IDLE).wait_for(timeout=timeout)


def click_and_wait_for_rerun(page: Page, target: Locator, timeout: float = RENDER_TIMEOUT_MS) -> None:
    """Click something that reruns the script and wait until that rerun has drawn everything.

    The script state is watched from before the click: a click's rerun starts a moment later, so
    waiting for "not running" right after it could return before the rerun began.
    """
    page.evaluate(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            window.__leadRerunSeen = false;
            new MutationObserver((changes, observer) => {
                if (app.getAttribute('data-test-script-state') === 'running') {
                    window.__leadRerunSeen = true;
                    observer.disconnect();
                }
            }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
        }"""
    )
    target.click()
    page.wait_for_function("() => window.__leadRerunSeen === true", timeout=timeout)
    wait_until_rendered(page, timeout)


def expect_a_csv_download_per_table(page: Page, timeout: float = RENDER_TIMEOUT_MS) -> None:
    """Every table on the page has its CSV download (a table's button arrives just after it)."""
    page.wait_for_function(
        """() => {
            const tables = document.querySelectorAll('[data-testid="stDataFrame"]').length;
            const csv = [...document.querySelectorAll('[data-testid="stDownloadButton"]')]
                .filter(button => /csv/i.test(button.textContent)).length;
            return csv >= tables;
        }""",
        timeout=timeout,
    )


def open_page(page: Page, path: str, timeout: float = RENDER_TIMEOUT_MS, **params: object) -> None:
    """Load a page (a new session, as pasting a link does) and wait until it is fully drawn, a figure
    computed in the background (ui.background: the Data quality check on a busy machine) included."""
    page.goto(page_url(path, **params), timeout=timeout)
    page.get_by_test_id("stAppViewContainer").wait_for(timeout=timeout)
    page.locator(CONNECTED).wait_for(timeout=timeout)
    main_title(page).wait_for(timeout=timeout)
    wait_until_rendered(page, timeout)
    expect(page.get_by_test_id("stMain").get_by_text(BACKGROUND_STATUS)).to_have_count(0, timeout=timeout)
    wait_until_rendered(page, timeout)


def main_title(page: Page):
    return page.get_by_test_id("stMain").locator("h1").first


def navigation(page: Page) -> Locator:
    """The sidebar's page menu (dashboard.draw_navigation)."""
    return page.locator(".st-key-navigation")


def navigation_links(page: Page) -> dict[str, str]:
    """The pages the menu offers: title -> URL path ("/" for the first page). A link's text starts
    with its icon's name (hidden from screen readers), so its title is its last line."""
    links = {}
    for link in navigation(page).get_by_role("link").all():
        title = link.inner_text().strip().splitlines()[-1]
        links[title] = "/" + urlparse(link.evaluate("element => element.href")).path.lstrip("/")
    return links


def metrics(page: Page) -> dict[str, str]:
    """Every metric in the main area: label -> value as shown (full text, even where it is cut off)."""
    shown = {}
    for metric in page.get_by_test_id("stMain").get_by_test_id("stMetric").all():
        label = metric.get_by_test_id("stMetricLabel").inner_text().strip()
        shown[label] = metric.get_by_test_id("stMetricValue").inner_text().strip()
    return shown


def number(text: str) -> int:
    """A whole number as the page prints it ("1,122" or "1122")."""
    return int(text.replace(",", "").replace("\u2009", "").strip())


def choose_option(page: Page, label: str, option: str) -> None:
    """Pick an option of the sidebar selectbox labelled ``label`` and wait for the rerun."""
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name=label)
    box.click()
    if box.get_attribute("aria-expanded") != "true":
        box.press("ArrowDown")  # a click only focuses it, now and then
    page.get_by_role("option", name=option, exact=True).click()


def set_sidebar_date(page: Page, label: str, day: date) -> None:
    """Type a date into the sidebar date field ``label`` segment by segment; it applies on leaving."""
    sidebar = page.get_by_test_id("stSidebar")
    for segment, text in (("year", f"{day.year:04d}"), ("month", f"{day.month:02d}"), ("day", f"{day.day:02d}")):
        sidebar.get_by_role("spinbutton", name=f"{segment}, {label}").click()
        page.keyboard.type(text)
    main_title(page).click()  # leaving the field applies the date


def horizontal_overflow(page: Page) -> dict[str, list[int]]:
    """scrollWidth and clientWidth of the document and of the main area, where content overflows."""
    sizes = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const doc = document.scrollingElement;
            return {document: [doc.scrollWidth, doc.clientWidth], main: [main.scrollWidth, main.clientWidth]};
        }"""
    )
    return {where: size for where, size in sizes.items() if size[0] > size[1]}


def truncated_metric_values(page: Page) -> list[str]:
    """Metric values cut off with an ellipsis because their card is too narrow."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetricValue"]')]
            .filter(value => [value, ...value.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1))
            .map(value => value.innerText.trim())"""
    )


# Console errors that are not the dashboard's: the offline test machine cannot reach the internet.
STREAMLIT_BASE_PATH_PROBE = re.compile(r"/_stcore/(health|host-config)$")


@dataclass
class BrowserProblems:
    """Console errors and uncaught exceptions of one page, less those caused by having no internet.

    Ignored, and only these: resources on other hosts that fail to load (the page icon from Google
    Fonts, the map's Carto basemap; STREAMLIT_NOTES.md B6), the map's "Failed to fetch" for that
    basemap style when such a request failed, and the 404s of Streamlit's own base-path probe
    (``/<page>/_stcore/health``) that a deep link makes before it finds the server's root.
    """

    app_host: str
    console_errors: list[tuple[str, str]] = field(default_factory=list)
    uncaught: list[str] = field(default_factory=list)
    external_failures: list[str] = field(default_factory=list)

    @classmethod
    def watch(cls, page: Page, base_url: str) -> BrowserProblems:
        problems = cls(urlparse(base_url).netloc)
        page.on("console", problems._on_console)
        page.on("pageerror", lambda error: problems.uncaught.append(f"uncaught exception: {error}"))
        page.on("requestfailed", problems._on_request_failed)
        return problems

    def _external(self, url: str) -> bool:
        parsed = urlparse(url)
        return parsed.scheme in ("http", "https") and parsed.netloc != self.app_host

    def _on_request_failed(self, request: Request) -> None:
        if self._external(request.url):
            self.external_failures.append(request.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, (message.location or {}).get("url", "")))

    def _ignored(self, text: str, source: str) -> bool:
        if text.startswith("Failed to load resource") and self._external(source):
            return True
        if "404" in text and STREAMLIT_BASE_PATH_PROBE.search(urlparse(source).path):
            return True
        return "Failed to fetch" in text and "DeckGlJsonChart" in text + source and bool(self.external_failures)

    def unexpected(self) -> list[str]:
        """What a developer would have to look at: every error not explained by the missing internet."""
        errors = [f"{text} ({source})" if source else text for text, source in self.console_errors]
        kept = [error for error, raw in zip(errors, self.console_errors, strict=True) if not self._ignored(*raw)]
        return self.uncaught + kept
