"""Every page, as a laptop (1920×1080) and a meeting-room projector (1280×720) show it.

Each page must load with no Streamlit exception box and no browser console error, draw its title,
its charts (each with a PNG download button), a CSV button per table and the shared sidebar, and fit
a projector's width: no horizontal scrolling and no figure cut off. Screenshots of each go to
artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    BrowserProblems,
    click_and_wait_for_rerun,
    expect_a_csv_download_per_table,
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
    expect_a_csv_download_per_table(page)
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


# Pages whose tabs run only when open (ui/tabs.py): each tab is opened here in turn. Staff see the
# Outcomes page's evaluation extract as a tab of its own.
TABBED_PAGES = {
    "outcomes": (
        "Re-arrest",
        "Jail and cost",
        "Housing, work, income",
        "Exits",
        "Comparison group",
        "Seattle (reference)",
        "Evaluation extract",
    ),
    "equity": ("Referrals and eligibility", "Days to intake", "Re-arrest", "Exits"),
}
# Text only the first tab draws, and text only the Exits tab draws (both pages have one).
FIRST_TAB_TEXT = {"outcomes": "Re-arrested within…", "equity": "Referrals, eligibility and enrollment"}
EXITS_TAB_TEXT = {"outcomes": "Graduations", "equity": "Enrollments that ended in the period."}


@pytest.mark.parametrize("name", list(TABBED_PAGES))
def test_each_tab_opens_on_a_click_and_from_its_link_and_renders_cleanly(name: str, new_context, base_url: str):
    """Only the open tab is drawn, so each is opened here in turn; the URL names it, the first tab
    leaves the URL bare, and a name the page lacks opens the first tab."""
    labels = TABBED_PAGES[name]
    page = new_context(viewport=VIEWPORTS[PROJECTOR]).new_page()
    problems = BrowserProblems.watch(page, base_url)
    open_page(page, path_of(name), as_of=AS_OF)
    tabs = page.get_by_test_id("stMain").get_by_role("tab")
    expect(tabs).to_have_text(list(labels))
    for label in labels:
        if label == labels[0]:
            tabs.filter(has_text=label).click()  # already open: no rerun
        else:
            click_and_wait_for_rerun(page, tabs.filter(has_text=label))
        expect(tabs.filter(has_text=label)).to_have_attribute("aria-selected", "true")
        query = parse_qs(urlparse(page.url).query)
        assert query.get("tab") == (None if label == labels[0] else [label]), page.url
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect_a_csv_download_per_table(page)
        for chart in page.get_by_test_id("stPlotlyChart").all():
            expect(chart.locator('.modebar-btn[data-title="Download plot as a PNG"]')).to_have_count(1)
        assert horizontal_overflow(page) == {}, label
        assert truncated_metric_values(page) == [], label
    if name == "outcomes":
        expect(page.get_by_test_id("stDownloadButton").filter(has_text="Download the extract")).to_be_visible()

    shared = new_context().new_page()
    open_page(shared, path_of(name), as_of=AS_OF, tab="Exits")
    expect(shared.get_by_role("tab", name="Exits")).to_have_attribute("aria-selected", "true")
    expect(shared.get_by_test_id("stMain").get_by_text(EXITS_TAB_TEXT[name]).first).to_be_visible()
    expect(shared.get_by_test_id("stMain").get_by_text(FIRST_TAB_TEXT[name])).to_have_count(0)

    open_page(shared, path_of(name), as_of=AS_OF, tab="no such tab")
    expect(shared.get_by_role("tab", name=labels[0])).to_have_attribute("aria-selected", "true")
    expect(shared.get_by_test_id("stMain").get_by_text(FIRST_TAB_TEXT[name]).first).to_be_visible()
    expect(shared.get_by_test_id("stException")).to_have_count(0)
    assert "tab" not in parse_qs(urlparse(shared.url).query), shared.url
    assert problems.unexpected() == []
