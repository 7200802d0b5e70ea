"""The weekly meeting's client agenda in a browser: a team link opens that team's part, choosing a
team rewrites the link, and the agenda fits a 1280×720 projector with every column whole.

The demo database has no sign-in, so the viewer is staff: consented names are listed.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Locator, Page, expect

from lead_data.figures.meeting import NAMES_SHOWN, meeting_agenda
from tests.e2e.browser import horizontal_overflow, open_page, wait_until_rendered
from tests.e2e.conftest import AS_OF, SCREENSHOTS

PROJECTOR = {"width": 1280, "height": 720}


def agenda_rows(page: Page) -> Locator:
    """The rows of the named agenda table (the page's last table)."""
    return page.get_by_test_id("stMain").get_by_test_id("stTable").last.locator("tbody tr")


def agenda_teams(page: Page) -> list[str]:
    """The Team cell of every row of the named agenda table, as shown."""
    cells = agenda_rows(page).evaluate_all("rows => rows.map(row => row.cells[0].innerText)")
    return [cell.strip() for cell in cells]


def overflowing_tables(page: Page) -> list[str]:
    """Tables whose content is wider than their box (a cut-off or sideways-scrolling column)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stTable"]')]
            .filter(box => [box, ...box.querySelectorAll('table, th, td')].some(e => e.scrollWidth > e.clientWidth + 1))
            .map(box => box.innerText.slice(0, 80))"""
    )


def busiest_team(figure) -> tuple[str, int]:
    agenda = figure(meeting_agenda, as_of=AS_OF, with_names=True)
    sizes = agenda.listed["team"].value_counts()
    return str(sizes.index[0]), int(sizes.iloc[0])


def test_a_team_link_opens_that_team_s_part_of_the_agenda_on_a_projector(new_context, base_url: str, figure):
    team, rows = busiest_team(figure)
    page = new_context(viewport=PROJECTOR).new_page()
    open_page(page, "/weekly_meeting", as_of=AS_OF, team=team)

    expect(page.get_by_test_id("stMain").get_by_role("combobox", name="Team")).to_have_value(team)
    assert agenda_teams(page) == [team] * rows
    assert horizontal_overflow(page) == {}, "the agenda scrolls sideways on a 1280×720 projector"
    assert overflowing_tables(page) == [], "an agenda column is cut off at 1280×720"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_role("heading", name="Client agenda").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "weekly_meeting-agenda-one-team-1280x720.png")


def test_every_team_s_agenda_fits_the_projector_and_choosing_a_team_rewrites_the_link(
    new_context, base_url: str, figure
):
    team, rows = busiest_team(figure)
    page = new_context(viewport=PROJECTOR).new_page()
    open_page(page, "/weekly_meeting", as_of=AS_OF)
    everyone = figure(meeting_agenda, as_of=AS_OF, with_names=True).listed
    # Every team at once shows the first NAMES_SHOWN names and says how many there are.
    assert len(agenda_teams(page)) == min(len(everyone), NAMES_SHOWN)
    if len(everyone) > NAMES_SHOWN:
        expect(page.get_by_text(f"Showing {NAMES_SHOWN} of {len(everyone):,} participants named")).to_be_visible()
    assert horizontal_overflow(page) == {}
    assert overflowing_tables(page) == []

    box = page.get_by_test_id("stMain").get_by_role("combobox", name="Team")
    box.click()
    if box.get_attribute("aria-expanded") != "true":
        box.press("ArrowDown")
    page.get_by_role("option", name=team, exact=True).click()
    expect(agenda_rows(page)).to_have_count(rows)  # the rerun has drawn the narrowed agenda
    wait_until_rendered(page)
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("team") == [team])
    assert agenda_teams(page) == [team] * rows
