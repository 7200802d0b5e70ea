"""Opening one client's page from the Participants list, in a real browser, and the audit line it writes.

The expected client and timeline come from ``lead_data`` on the demo file the server reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from lead_data.figures import casework, participants
from tests.e2e.browser import main_title, open_page, wait_until_rendered
from tests.e2e.conftest import AS_OF, StreamlitServer


def test_a_client_opens_from_the_participants_list(
    page: Page, base_url: str, figure: Callable[..., Any], streamlit_server: StreamlitServer
):
    listed = figure(
        participants.participant_list, as_of=AS_OF, filters=participants.ParticipantFilters(statuses=("active",))
    )
    chosen = listed.iloc[0]
    participant_id, name = int(chosen["participant_id"]), chosen["name"]
    expected = figure(casework.client_record, as_of=AS_OF, participant_id=participant_id)
    assert len(expected.timeline) >= 2  # a referral and an intake at least, or the check proves little

    open_page(page, "/participants", as_of=AS_OF)
    chooser = page.get_by_test_id("stMain").get_by_role("combobox", name="Open a client's page")
    chooser.click()
    chooser.fill(name)
    page.get_by_role("option", name=f"{name} (ID {participant_id})", exact=True).click()
    wait_until_rendered(page)
    page.get_by_role("link", name=f"Open {name}'s page").click()

    expect(main_title(page)).to_have_text("Client", timeout=60_000)
    wait_until_rendered(page)
    assert f"participant={participant_id}" in page.url
    expect(page.get_by_test_id("stMain").locator("h2").first).to_have_text(name)
    shown_team = page.get_by_test_id("stMetric").filter(has_text="Team").get_by_test_id("stMetricValue")
    expect(shown_team).to_have_text(expected.team)
    expect(page.get_by_test_id("stMain").get_by_text(f"as of {AS_OF:%A %d %B %Y}")).to_be_visible()

    audit = [json.loads(line) for line in (streamlit_server.workdir / "audit.jsonl").read_text().splitlines()]
    views = [line for line in audit if line["page"] == "client"]
    assert views and views[-1]["filters"]["participant_id"] == participant_id
