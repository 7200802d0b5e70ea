"""Opening one client's page from the Participants list, in a real browser, and the audit line it writes.

The expected client and timeline come from ``lead_data`` on the demo file the server reads; a client whose
name holds Markdown, HTML and a right-to-left override is read from a copy of it, on a server of its own.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from lead_data.db import DEMO_DATABASE_VARIABLE
from lead_data.figures import casework, participants
from tests.e2e.browser import main_title, open_page, wait_until_rendered
from tests.e2e.conftest import AS_OF, StreamlitServer
from ui.text import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE, WORD_JOINER

HOSTILE_FIRST_NAME = "[x](https://host) **b** ![i](https://host/p.png) :red[x] <b>x</b><img src=x> \u202eevil"


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


def test_a_name_holding_markdown_html_and_an_override_is_drawn_as_its_text(
    browser: Browser, demo_database: Path, start_server: Callable[..., StreamlitServer], tmp_path: Path
):
    hostile = tmp_path / "hostile-demo.sqlite"
    shutil.copy(demo_database, hostile)
    with sqlite3.connect(hostile) as conn:
        participant_id, last_name = conn.execute(
            "SELECT participant_id, last_name FROM participants ORDER BY participant_id LIMIT 1"
        ).fetchone()
        conn.execute(
            "UPDATE participants SET first_name = ? WHERE participant_id = ?", (HOSTILE_FIRST_NAME, participant_id)
        )
    conn.close()
    server = start_server(**{DEMO_DATABASE_VARIABLE: str(hostile)})
    context = browser.new_context(base_url=server.url)
    try:
        client_page = context.new_page()
        open_page(client_page, "/client", as_of=AS_OF, participant=participant_id)
        # The heading's own text; beside it Streamlit draws its anchor link (stHeaderActionElements).
        header = client_page.get_by_test_id("stMain").locator("h2 [data-heading-text]").first
        drawn = header.text_content() or ""
        invisible = f"[{FIRST_STRONG_ISOLATE}{POP_DIRECTIONAL_ISOLATE}{WORD_JOINER}]"
        assert re.sub(invisible, "", drawn) == f"{HOSTILE_FIRST_NAME} {last_name}"
        assert drawn.index(FIRST_STRONG_ISOLATE) < drawn.index("\u202e") < drawn.index(POP_DIRECTIONAL_ISOLATE)
        expect(header.locator("*")).to_have_count(0)  # no link, image, bold, colour or icon: text only
    finally:
        context.close()
