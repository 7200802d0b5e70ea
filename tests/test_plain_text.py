"""Text from the database, the URL or a text box is drawn as the text it is (ui/text.py): names of a
participant, staff and a team that hold Markdown, Streamlit's directives, HTML and a right-to-left
override show as those characters on the Client page, My clients and the Caseload page.

What a reader sees is worked out from each element's Markdown source with markdown-it-py (CommonMark,
installed with Streamlit's rich): no element but paragraphs and line breaks, and the same text. Streamlit's
own additions to Markdown are checked on the source: every colon and dollar escaped, a word joiner after
each colon, and every line holding an override in a bidi isolate. tests/e2e/test_client_page.py checks a
real browser's drawing of the header.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta

import pytest
from markdown_it import MarkdownIt
from sqlalchemy import select

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.models import CareTeam
from tests.apptest import ROLES_FILE, metrics, open_app
from ui.text import (
    FIRST_STRONG_ISOLATE,
    POP_DIRECTIONAL_ISOLATE,
    WORD_JOINER,
    isolated_text,
    markdown_literal,
    plotly_literal,
)

D = date(2024, 6, 30)
AS_OF = D.isoformat()
CLIENT, MY_CLIENTS, CASELOAD = "pages/client.py", "pages/my_clients.py", "pages/caseload.py"
CASE_MANAGER_USER, SUPERVISOR_USER = "cm.hostile@lead.test", "supervisor.hostile@lead.test"
RIGHT_TO_LEFT_OVERRIDE = "\u202e"

# Markdown (a link, bold, an image from another host), Streamlit's directive, HTML and an override.
HOSTILE = "[x](https://host) **b** ![i](https://host/p.png) :red[x] <b>x</b><img src=x> \u202eevil"
PARTICIPANT_FIRST, PARTICIPANT_LAST = HOSTILE, "Client"
PARTICIPANT = f"{PARTICIPANT_FIRST} {PARTICIPANT_LAST}"
TEAM, PEER, CASE_MANAGER, SUPERVISOR = (f"{who} {HOSTILE}" for who in ("Team", "Peer", "Manager", "Supervisor"))
VALUES = [
    HOSTILE,
    "![i](https://host/p.png)",
    ":red[x] :material/person: :material_person: :streamlit: :smile:",
    "<b>x</b><img src=x> &amp; &lt;",
    "\u202eevil",
    "\u2069\u202eevil",
    "$x^2$ and $$y$$",
    "https://host/x mailto:a@b.co www.host.org",
    "a -> b <- c -- d >= e <= f ~= g <-> h",
    "# h 1. *a* _b_ ~~c~~ `d` > e | f | - g [^1] \\ back",
    "```py",
    "O'Brien-Smith, Jr.",
    "محمد",
    "line one\n\u202eline two\n- item",
]
MARKDOWN = MarkdownIt("commonmark").enable(["strikethrough", "table"])
INVISIBLE = re.compile(f"[{FIRST_STRONG_ISOLATE}{POP_DIRECTIONAL_ISOLATE}{WORD_JOINER}]")
DIRECTIVE = re.compile(r"(?<!\\):[\w/+-]+[:\[]")  # :red[...], :material/icon:, :smile: with its colon unescaped


def seen(source: str, *, bold: int = 0) -> str:
    """The text a reader sees where Streamlit draws the Markdown ``source``, after checking that it
    draws nothing else: no element but paragraphs, line breaks and the page's own ``bold`` spans, none
    of Streamlit's directives, icons, emoji or formulas, and no override outside an isolate. Invisible
    isolates and word joiners dropped."""
    drawn = MARKDOWN.render(source)
    elements = re.findall(r"<(\w+)", drawn)
    assert set(elements) <= {"p", "br", "strong"} and elements.count("strong") == bold, drawn
    assert not DIRECTIVE.search(source) and not re.search(r"(?<!\\)\$", source), source
    assert not re.search(f"\\\\:(?!{WORD_JOINER})", source), source  # an escaped colon's shortcode broken
    for line in source.split("\n"):
        assert all(isolated for character, isolated in _isolation(line) if character == RIGHT_TO_LEFT_OVERRIDE), line
    text = html.unescape(re.sub(r"<[^>]+>", "", drawn)).strip()
    return INVISIBLE.sub("", text)


def _isolation(line: str) -> list[tuple[str, bool]]:
    """Each character of ``line`` and whether it sits inside a first-strong isolate."""
    depth, marked = 0, []
    for character in line:
        if character == POP_DIRECTIONAL_ISOLATE:
            depth = max(depth - 1, 0)
        marked.append((character, depth > 0))
        if character == FIRST_STRONG_ISOLATE:
            depth += 1
    return marked


@pytest.mark.parametrize("value", VALUES)
def test_a_value_drawn_as_markdown_reads_as_its_own_text(value):
    assert seen(markdown_literal(value)) == INVISIBLE.sub("", value)


def test_plain_names_are_left_as_they_are():
    assert markdown_literal("Team A") == isolated_text("Team A") == plotly_literal("Team A") == "Team A"


def test_an_override_cannot_reach_past_its_own_value():
    for drawn in (markdown_literal("\u2069\u202eevil"), isolated_text("\u2069\u202eevil")):
        assert drawn == f"{FIRST_STRONG_ISOLATE}\u202eevil{POP_DIRECTIONAL_ISOLATE}"  # its stray closer dropped
    assert isolated_text("\u2067open") == f"{FIRST_STRONG_ISOLATE}\u2067open{POP_DIRECTIONAL_ISOLATE * 2}"
    lines = markdown_literal("one\n\u202etwo").split("  \n")  # a line break ends a bidi paragraph
    assert lines == ["one", f"{FIRST_STRONG_ISOLATE}\u202etwo{POP_DIRECTIONAL_ISOLATE}"]


def test_plotly_labels_show_html_as_text():
    assert plotly_literal("<b>x</b><img src=x> &amp;") == "&lt;b&gt;x&lt;/b&gt;&lt;img src=x&gt; &amp;amp;"
    assert plotly_literal("a\nb") == "a<br>b"


# --- the pages -------------------------------------------------------------------------------------


def days_ago(days: int) -> date:
    return D - timedelta(days=days)


@pytest.fixture
def program(db, monkeypatch, tmp_path):
    """A team, its peer and case manager, a client of it and a supervisor, all with hostile names; the
    case manager and the supervisor in the roles file with their staff ids."""
    team = db.team(TEAM)
    client = db.participant(PARTICIPANT_FIRST, PARTICIPANT_LAST)
    db.enroll(client, intake_on=days_ago(40), team_id=team)
    db.contact(client, days_ago(20))
    supervisor = db.staff(role="supervisor")
    with db.connect() as conn:
        peer, case_manager = conn.execute(
            select(CareTeam.peer_id, CareTeam.case_manager_id).where(CareTeam.team_id == team)
        ).one()
    db.execute(  # raw SQL through text(): a colon there would start a bind parameter unless escaped
        *(
            f"UPDATE staff SET name = '{name.replace(':', chr(92) + ':')}' WHERE staff_id = {staff_id}"
            for name, staff_id in ((PEER, peer), (CASE_MANAGER, case_manager), (SUPERVISOR, supervisor))
        )
    )
    roles = tmp_path / "hostile-roles.toml"
    roles.write_text(
        ROLES_FILE.replace(
            "[users]\n",
            "[users]\n"
            f'"{CASE_MANAGER_USER}" = {{ role = "staff", staff_id = {case_manager} }}\n'
            f'"{SUPERVISOR_USER}" = {{ role = "staff", staff_id = {supervisor} }}\n',
        )
    )
    monkeypatch.setenv("LEAD_ROLES_FILE", str(roles))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    return {"client": client}


def test_the_client_page_shows_the_names_as_text(program):
    at = open_app(CLIENT, user=CASE_MANAGER_USER, as_of=AS_OF, participant=str(program["client"]))
    assert seen(at.header[0].value) == INVISIBLE.sub("", PARTICIPANT)
    assert seen(metrics(at)["Team"]) == TEAM
    assert seen(at.main.caption[1].value) == f"Peer: {PEER} · Case manager: {CASE_MANAGER}"


def test_the_client_page_echoes_an_asked_id_and_a_search_as_text(program):
    asked = "**x**:red[y]\u202e"
    at = open_app(CLIENT, user=CASE_MANAGER_USER, as_of=AS_OF, participant=asked)
    assert seen(at.error[0].value).startswith(f"“{asked}” is not a participant ID")
    at = open_app(CLIENT, user=CASE_MANAGER_USER, as_of=AS_OF)
    at.text_input(key="client-search").input("[y](https://host) **z**").run()
    (no_match,) = [caption.value for caption in at.caption if "matches" in caption.value]
    assert seen(no_match).endswith("matches “[y](https://host) **z**”.")


def test_the_client_chooser_and_link_show_the_name_as_text(program):
    at = open_app(CLIENT, user=CASE_MANAGER_USER, as_of=AS_OF)
    chooser = at.selectbox(key="client-choice")
    option = f"{isolated_text(PARTICIPANT)} (ID {program['client']})"  # the override kept off the ID
    assert chooser.options == [option]
    chooser.select(program["client"]).run()
    (label,) = [link.proto.label for link in at.get("page_link") if link.proto.label.startswith("Open ")]
    assert seen(label) == f"Open {PARTICIPANT}'s page"


def test_my_clients_shows_team_and_staff_names_as_text(program):
    own = open_app(MY_CLIENTS, user=CASE_MANAGER_USER, as_of=AS_OF)
    assert seen(own.main.header[0].value) == f"{TEAM}: 1 clients"
    every = open_app(MY_CLIENTS, user=SUPERVISOR_USER, as_of=AS_OF)
    assert seen(every.info[0].value) == f"{SUPERVISOR}, as a supervisor you see every team."


def test_the_caseload_page_shows_team_names_as_text(program):
    at = open_app(CASELOAD, user=CASE_MANAGER_USER, as_of=AS_OF)
    assert seen(at.info[0].value, bold=1).startswith(f"Suggested team for the next intake: {TEAM} (1 of 28,")
    (forecast,) = [element.value for element in at.markdown if "current pace" in element.value]
    assert seen(forecast.removeprefix("- ")).startswith(f"{TEAM}: 1 of 28")  # the list's one item


def test_a_chart_shows_team_names_as_text(program):
    at = open_app(CASELOAD, user=CASE_MANAGER_USER, as_of=AS_OF)
    bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert bars["x"] == [plotly_literal(TEAM)]
    assert seen(at.main.caption[1].value).startswith("Caseload per team against its cap")
