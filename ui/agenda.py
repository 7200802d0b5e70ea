"""The weekly meeting's client agenda as the page shows it: the team filter's choices, the named rows
and the counts headed for reading, and database text shown literally in ``st.table``'s Markdown cells."""

from __future__ import annotations

import pandas as pd

from lead_data.figures.meeting import AGENDA_REASONS, GRADUATED, Agenda
from lead_data.labels import label
from lead_data.sql import UNASSIGNED
from ui.text import markdown_literal

ALL_TEAMS = "All teams"
AGENDA_HEADINGS = {"team": "Team", "name": "Name", "reasons": "Why", "discuss": "What to discuss"}


def agenda_team_choices(teams: pd.DataFrame, agenda: Agenda) -> list[str]:
    """The team filter's options: every team, then "Unassigned", after "All teams"."""
    return [ALL_TEAMS, *dict.fromkeys([*teams["team"], *agenda.teams, UNASSIGNED])]


def agenda_rows(listed: pd.DataFrame) -> pd.DataFrame:
    """The named part of the agenda as people read it (and download it): no participant id."""
    rows = listed[list(AGENDA_HEADINGS)].copy()
    rows["reasons"] = rows["reasons"].map(lambda reasons: ", ".join(label(reason) for reason in reasons))
    return rows.rename(columns=AGENDA_HEADINGS)


def agenda_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Clients to discuss per team and reason, headed as on the page, for ``st.table``."""
    return counts.assign(team=counts["team"].map(markdown_literal)).rename(
        columns={"team": "Team", **{reason: label(reason) for reason in AGENDA_REASONS}, "clients": "Clients"}
    )


def markdown_cells(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` for ``st.table``: database text shown literally; a graduation in green, as on every chart."""
    shown = rows.map(markdown_literal)
    if "Why" in shown:
        graduated = label(GRADUATED)
        shown["Why"] = shown["Why"].str.replace(graduated, f":green[**{graduated}**]", regex=False)
    return shown
