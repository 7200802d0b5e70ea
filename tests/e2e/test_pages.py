"""Every page, as a laptop (1920×1080) and a meeting-room projector (1280×720) show it.

Each page must load with no Streamlit exception box and no browser console error, draw its title,
its charts (each with a PNG download button), a CSV button per table and the shared sidebar, and fit
a projector's width: no horizontal scrolling and no figure cut off. Screenshots of each go to
artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    BrowserProblems,
    horizontal_overflow,
    main_title,
    metrics,
    open_page,
    truncated_metric_values,
)
from tests.e2e.conftest import AS_OF, REPO, SCREENSHOTS

# URL path = the page's file name; the overview is the default page at "/".
PAGE_NAMES = sorted(path.stem for path in (REPO / "pages").glob("*.py") if not path.name.startswith("_"))
TITLES = {
    "overview": "LEAD at a glance",
    "enrollment": "Enrollment",
    "rearrests": "Re-arrests",
    "caseload": "Caseload",
    "referral_map": "Referral map",
    "participants": "Participants",
    "weekly_meeting": f"Week ending {AS_OF:%A %d %B %Y}",
    "data_quality": "Data quality",
}
VIEWPORTS = {"1920x1080": {"width": 1920, "height": 1080}, "1280x720": {"width": 1280, "height": 720}}
PROJECTOR = "1280x720"


def path_of(name: str) -> str:
    return "/" if name == "overview" else f"/{name}"


def test_the_pages_under_test_are_the_dashboards_pages():
    assert set(TITLES) <= set(PAGE_NAMES), "a page named in TITLES has no file in pages/"


def screenshot(page: Page, name: str, size: str) -> None:
    """The screen as the viewer sees it, and the whole page (the window stretched to its height)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{size}.png")
    viewport = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    if height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": height})
        page.wait_for_timeout(300)  # let the newly visible part paint
        page.screenshot(path=SCREENSHOTS / f"{name}-{size}-full.png")
        page.set_viewport_size(viewport)
    else:
        page.screenshot(path=SCREENSHOTS / f"{name}-{size}-full.png")


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_renders_cleanly(name: str, size: str, new_context, base_url: str):
    page = new_context(viewport=VIEWPORTS[size]).new_page()
    problems = BrowserProblems.watch(page, base_url)

    open_page(page, path_of(name), as_of=AS_OF)

    expect(page.get_by_test_id("stException")).to_have_count(0)
    title = main_title(page)
    expect(title).to_be_visible()
    if name in TITLES:
        expect(title).to_have_text(TITLES[name])
    # The router ran: the shared sidebar with its as-of date is there.
    expect(page.get_by_test_id("stSidebar").get_by_role("group", name="As of")).to_be_visible()
    # Every table has its own CSV download; every chart its PNG button.
    tables = page.get_by_test_id("stDataFrame").count()
    assert page.get_by_test_id("stDownloadButton").filter(has_text="CSV").count() >= tables
    for chart in page.get_by_test_id("stPlotlyChart").all():
        expect(chart.locator("svg.main-svg").first).to_be_attached()
        expect(chart.locator('.modebar-btn[data-title="Download plot as a PNG"]')).to_have_count(1)
    screenshot(page, name, size)

    if size == PROJECTOR:
        assert horizontal_overflow(page) == {}, "the page scrolls sideways on a 1280×720 projector"
        assert truncated_metric_values(page) == [], "figures cut off (…) are unreadable on the projector"
        if name == "weekly_meeting":
            assert len(metrics(page)) >= 7
    assert problems.unexpected() == []
