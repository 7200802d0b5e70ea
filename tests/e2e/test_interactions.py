"""What people do with the dashboard, in a real browser: filter, download, share a link, read the map.

Expected figures come straight from ``lead_data.figures`` on the same demo file the server reads,
so each test checks the screen against the definition of the figure, not against itself.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from lead_data.figures import enrollment, meeting, participants, rearrests, referral_places
from lead_data.figures.caseload import caseload_balance, caseload_by_team, unassigned_clients
from lead_data.periods import period_ending
from lead_data.site import load_site
from tests.conftest import report
from tests.e2e.browser import (
    BrowserProblems,
    choose_option,
    main_title,
    metrics,
    number,
    open_page,
    set_sidebar_date,
    wait_until_rendered,
)
from tests.e2e.conftest import AS_OF, meeting_metrics

SHARED_AS_OF = date(2024, 6, 30)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def overview_expected(figure: Callable[..., Any], as_of: date, period: str) -> dict[str, int]:
    """The overview's headline figures, computed by lead_data.figures."""
    caseload = figure(caseload_by_team, as_of=as_of)
    return {
        "Enrolled (ever)": figure(enrollment.enrolled_ever, as_of=as_of),
        "Active now": figure(enrollment.active_count, as_of=as_of),
        "Referrals": figure(enrollment.referral_count, as_of=as_of, period=period_ending(as_of, period)),
        "Participants re-arrested": figure(rearrests.rearrest_rate, as_of=as_of).rearrested,
        "Teams over cap": caseload_balance(caseload).teams_over_cap,
        "Unassigned clients": len(figure(unassigned_clients, as_of=as_of)),
        "Referrals past deadline": meeting_metrics(figure, as_of)["Referrals past deadline"],
    }


def overview_shown(page: Page) -> dict[str, int]:
    """The overview's metrics as numbers, the period's referrals under the plain key "Referrals"."""
    shown = {}
    for label, value in metrics(page).items():
        shown["Referrals" if label.startswith("Referrals, ") else label] = number(value)
    return shown


def test_changing_a_filter_changes_the_figures(page: Page, new_context, base_url: str, figure):
    open_page(page, "/", as_of=AS_OF)
    last_12_months = overview_expected(figure, AS_OF, "12m")
    since_launch = overview_expected(figure, AS_OF, "all")
    assert since_launch["Referrals"] > last_12_months["Referrals"]  # or the test proves nothing
    expect(page.get_by_test_id("stMetricLabel").filter(has_text="Referrals, last 12 months")).to_be_visible()
    assert overview_shown(page) == last_12_months

    choose_option(page, "Period", "Since launch")

    expect(page.get_by_test_id("stMetricLabel").filter(has_text="Referrals, since launch")).to_be_visible()
    wait_until_rendered(page)
    assert overview_shown(page) == since_launch
    assert "period=" in page.url  # the choice is in the address, to share
    elsewhere = new_context().new_page()
    open_page(elsewhere, page.url.removeprefix(base_url), as_of=AS_OF)
    assert overview_shown(elsewhere) == since_launch


def test_a_shared_link_with_as_of_reproduces_the_view(new_context, base_url: str, figure):
    """Set the date in the sidebar, copy the address, open it in a fresh browser: same figures,
    and the ones lead_data computes for that date."""
    expected_overview = overview_expected(figure, SHARED_AS_OF, "ytd")
    expected_week = meeting_metrics(figure, SHARED_AS_OF)

    author = new_context().new_page()
    open_page(author, "/weekly_meeting", as_of=AS_OF)
    set_sidebar_date(author, "As of", SHARED_AS_OF)
    expect(main_title(author)).to_have_text(f"Week ending {SHARED_AS_OF:%A %d %B %Y}")
    wait_until_rendered(author)
    assert f"as_of={SHARED_AS_OF.isoformat()}" in author.url
    authors_week = {label: number(value) for label, value in metrics(author).items()}
    assert authors_week == expected_week

    reader = new_context().new_page()  # another person: a new browser profile, a new session
    open_page(reader, author.url.removeprefix(base_url))
    expect(main_title(reader)).to_have_text(f"Week ending {SHARED_AS_OF:%A %d %B %Y}")
    assert {label: number(value) for label, value in metrics(reader).items()} == expected_week

    # The period travels in the address too: the one the app writes when it is chosen.
    open_page(author, "/", as_of=SHARED_AS_OF)
    choose_option(author, "Period", "Year to date")
    expect(author.get_by_test_id("stMetricLabel").filter(has_text="Referrals, year to date")).to_be_visible()
    wait_until_rendered(author)
    assert overview_shown(author) == expected_overview
    open_page(reader, author.url.removeprefix(base_url))
    expect(reader.get_by_test_id("stMetricLabel").filter(has_text="Referrals, year to date")).to_be_visible()
    assert overview_shown(reader) == expected_overview
    expect(reader.get_by_test_id("stSidebar").get_by_role("spinbutton", name="year, As of")).to_have_text("2024")


def participants_shown(page: Page) -> int:
    heading = page.get_by_test_id("stMain").get_by_role("heading", name=re.compile(r"^\d[\d,]* participants?$"))
    expect(heading).to_be_visible()
    return number(heading.inner_text().split()[0])


def downloaded_csv(page: Page) -> list[dict[str, str]]:
    button = page.get_by_test_id("stDownloadButton").filter(has_text="CSV").first
    with page.expect_download() as download:
        button.locator("button").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_participants_csv_has_exactly_the_rows_on_screen(page: Page, figure):
    open_page(page, "/participants", as_of=AS_OF)
    active = figure(
        participants.participant_list, as_of=AS_OF, filters=participants.ParticipantFilters(statuses=("active",))
    )
    on_screen = participants_shown(page)
    assert on_screen == len(active) > 0
    rows = downloaded_csv(page)
    assert len(rows) == on_screen
    assert {int(row["participant_id"]) for row in rows} == set(active["participant_id"])

    name_box = page.get_by_test_id("stMain").get_by_label("Name contains")
    name_box.fill("Cedar")
    name_box.press("Enter")
    cedars = figure(
        participants.participant_list,
        as_of=AS_OF,
        filters=participants.ParticipantFilters(statuses=("active",), name="Cedar"),
    )
    assert 0 < len(cedars) < len(active)
    expect(page.get_by_test_id("stMain").get_by_role("heading", name=f"{len(cedars)} participants")).to_be_visible()
    wait_until_rendered(page)
    rows = downloaded_csv(page)
    assert len(rows) == participants_shown(page) == len(cedars)
    assert all("cedar" in row["name"].lower() for row in rows)


def test_the_referral_map_draws_its_points(page: Page, base_url: str, figure):
    problems = BrowserProblems.watch(page, base_url)
    open_page(page, "/referral_map", as_of=AS_OF)
    period = period_ending(AS_OF, "12m")
    site = load_site()
    counts = referral_places.location_counts(
        figure(referral_places.referral_locations, as_of=AS_OF, site=site, period=period), site
    )
    shown = {label: number(value) for label, value in metrics(page).items()}
    assert shown == dict(zip(counts["label"], counts["referrals"].astype(int), strict=True))

    chart = page.get_by_test_id("stDeckGlJsonChart")
    canvas = chart.locator("canvas").first
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    page.wait_for_timeout(500)  # deck.gl draws on the next animation frames
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    # Dots of both referral types, in the palette's colours (blended a little with the background).
    blue = orange = 0
    for red, green, blue_channel in image.get_flattened_data():
        if blue_channel > 140 and red < 60 and 80 < green < 150:
            blue += 1
        elif red > 200 and 130 < green < 185 and blue_channel < 60:
            orange += 1
    report(
        "map_pixels",
        {"arrest_diversion": blue, "social_contact": orange},
        f"map: {blue} blue and {orange} orange dot pixels",
    )
    assert blue > 200 and orange > 50, "the map's canvas shows no referral dots"
    assert problems.unexpected() == []


def test_every_chart_downloads_as_a_png(page: Page):
    open_page(page, "/", as_of=AS_OF)  # (every chart of every page has the button: test_pages)
    charts = page.get_by_test_id("stPlotlyChart").all()
    assert len(charts) >= 3
    names = []
    for chart in charts:
        chart.scroll_into_view_if_needed()
        with page.expect_download() as download:
            chart.locator('.modebar-btn[data-title="Download plot as a PNG"]').click()
        data = Path(download.value.path()).read_bytes()
        assert data.startswith(PNG_MAGIC)
        assert Image.open(io.BytesIO(data)).size == (2400, 1350)  # slide-shaped, at twice the scale
        names.append(download.value.suggested_filename)
    assert all(name.startswith("lead-") and name.endswith(f"-{AS_OF.isoformat()}.png") for name in names), names
    assert len(set(names)) == len(names)


def test_tables_download_as_csv_through_their_own_buttons_only(page: Page, figure):
    """Each table's "Download CSV" gives exactly its rows; Streamlit's own (unaudited) table export is off."""
    open_page(page, "/caseload", as_of=AS_OF)
    tables = page.get_by_test_id("stDataFrame")
    expect(tables).to_have_count(3)  # the teams, their pace, the unassigned clients
    tables.first.hover()
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)
    buttons = page.get_by_test_id("stDownloadButton").filter(has_text="Download CSV")
    expect(buttons).to_have_count(3)
    files = {}
    for index in range(3):
        with page.expect_download() as download:
            buttons.nth(index).locator("button").click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        files[download.value.suggested_filename] = list(csv.DictReader(io.StringIO(text)))
    teams = figure(caseload_by_team, as_of=AS_OF)
    unassigned = figure(unassigned_clients, as_of=AS_OF)
    assert [row["team"] for row in files[f"lead-caseload-{AS_OF.isoformat()}.csv"]] == teams["team"].tolist()
    assert len(files[f"lead-caseload-forecast-{AS_OF.isoformat()}.csv"]) == len(teams)
    assert len(files[f"lead-unassigned-clients-{AS_OF.isoformat()}.csv"]) == len(unassigned) > 0


def test_a_deep_link_to_a_fresh_server_goes_through_the_router(start_server, new_context):
    server = start_server()
    page = new_context().new_page()
    open_page(page, f"{server.url}/caseload", as_of=SHARED_AS_OF)
    expect(page.get_by_test_id("stSidebar").get_by_role("group", name="As of")).to_be_visible(timeout=2000)
    expect(page.get_by_test_id("stCaptionContainer").first).to_contain_text(f"{SHARED_AS_OF:%d %B %Y}", timeout=2000)


def test_the_meeting_pdf_opens_as_one_page_with_the_weeks_figures(page: Page, figure):
    open_page(page, "/weekly_meeting", as_of=AS_OF)
    with page.expect_download() as download:
        page.get_by_role("button", name="Minutes (PDF)").click()
    assert download.value.suggested_filename == f"lead-weekly-meeting-{AS_OF.isoformat()}.pdf"
    pages = PdfReader(download.value.path()).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    assert f"{AS_OF:%d %B %Y}".lstrip("0") in text or f"{AS_OF:%d %B %Y}" in text
    changes = figure(meeting.weekly_changes, as_of=AS_OF)
    for row in changes.itertuples():
        assert re.search(rf"{re.escape(row.figure)}\s+{row.this_week}\s+{row.last_week}", text), row.figure


def test_presentation_mode_hides_the_sidebar_and_comes_back(page: Page):
    open_page(page, "/weekly_meeting", as_of=AS_OF)
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    page.get_by_test_id("stMain").get_by_text("Presentation").click()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    assert "present=true" in page.url
    page.get_by_test_id("stMain").get_by_text("Presentation").click()
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
