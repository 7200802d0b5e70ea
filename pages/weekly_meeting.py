"""Weekly partner meeting: one projector screen, this week against last week, and the client agenda.

Names appear only on the agenda, only for people with a release of information in force, and only
for roles that may see them; everyone else with something to discuss is a count.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from lead_data import access
from lead_data.figures import casework, meeting
from lead_data.figures.caseload import caseload_by_team
from lead_data.meeting_report import weekly_summary_pdf
from ui.access import record_export, record_view, require_page
from ui.agenda import ALL_TEAMS, agenda_counts, agenda_rows, agenda_team_choices, markdown_cells
from ui.casework import client_links
from ui.charts import caseload_bars, show
from ui.data import load, load_later
from ui.settings import current_site, report_settings
from ui.tables import exported, table
from ui.text import markdown_literal

# Fixed CSS (no database text): the projector view hides Streamlit's sidebar, header and menus.
PRESENTATION_STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
</style>"""

viewer = require_page(__file__)
settings = report_settings()
as_of = settings.as_of

changes = load(meeting.weekly_changes, as_of=as_of)
teams = load(caseload_by_team, as_of=as_of)
caseload = meeting.caseload_change(teams, load(caseload_by_team, as_of=as_of - timedelta(days=7)))
agenda = load(meeting.meeting_agenda, as_of=as_of, names_per_team=meeting.NAMES_SHOWN)
deadlines = current_site().deadlines
past_deadline = load(casework.referrals_past_deadline, as_of=as_of, deadlines=deadlines)
past_deadline_last_week = load(casework.referrals_past_deadline, as_of=as_of - timedelta(days=7), deadlines=deadlines)

st.title(f"Week ending {as_of:%A %d %B %Y}")
about, switch, export = st.columns([5, 2, 2], vertical_alignment="center")
about.caption("This week = the 7 days ending on the as-of date; each change is against the 7 days before.")
presenting = switch.toggle(
    "Presentation", key="present", bind="query-params", help="Hide the sidebar and menus for the projector."
)
export.download_button(
    "Minutes (PDF)",
    data=lambda: weekly_summary_pdf(as_of=as_of, changes=changes, caseload=caseload, agenda=agenda.counts),
    file_name=f"lead-weekly-meeting-{as_of.isoformat()}.pdf",
    mime="application/pdf",
    on_click="ignore",
    icon=":material/picture_as_pdf:",
    help="A one-page summary for the minutes: the figures week over week, the caseload per team and the "
    "agenda counted by team and reason (no names).",
)
if presenting:
    st.html(PRESENTATION_STYLE)

# More re-arrests, exits other than graduations, unassigned clients or teams over cap is bad news:
# red when they rise. More graduations is good news.
RISING_IS_BAD = {"Re-arrests", "Other exits", "Unassigned", "Teams over cap"}
for row_figures in (changes.iloc[:4], changes.iloc[4:]):
    columns = st.columns(4)
    for column, figure in zip(columns, row_figures.itertuples(), strict=False):
        column.metric(
            figure.figure,
            figure.this_week,
            f"{figure.change:+d} from {figure.last_week}",
            delta_color="off" if figure.change == 0 else "inverse" if figure.figure in RISING_IS_BAD else "normal",
            border=True,
        )
st.columns(2)[0].metric(  # half a row: its label is longer than the others'
    "Referrals past deadline",
    past_deadline,
    f"{past_deadline - past_deadline_last_week:+d} from {past_deadline_last_week}",
    delta_color="off" if past_deadline == past_deadline_last_week else "inverse",
    border=True,
    help="Referrals waiting in the referral queue past their step's deadline, against 7 days before.",
)

left, right = st.columns([3, 2])
with left:
    if teams.empty:
        st.warning("No care teams are recorded.")
    else:
        show(caseload_bars(teams))
with right:
    table(
        caseload[["team", "caseload", "last_week", "change"]],
        file_name=f"lead-caseload-week-ending-{as_of.isoformat()}.csv",
        height="content",
        column_config={
            "team": "Team",
            "caseload": st.column_config.NumberColumn("Caseload"),
            "last_week": st.column_config.NumberColumn("Last week"),
            "change": st.column_config.NumberColumn("Change", format="%+d"),
        },
    )

st.header("Client agenda")
team_choices = agenda_team_choices(teams, agenda)
chosen = st.selectbox(
    "Team",
    team_choices,
    key="team",
    bind="query-params",
    help="Show one team's part of the agenda; the page's link opens it that way.",
)
team = None if chosen == ALL_TEAMS else chosen
shown = agenda.for_team(team, names=meeting.NAMES_SHOWN)
audit = {"as_of": as_of, "list": "client agenda", "team": team}
if shown.counts.empty:
    who = markdown_literal(chosen) if team else "No participant"
    st.info(f"{who} has no new intake, re-arrest, exit or overdue contact this week.")
elif not shown.with_names:
    discussed = int(shown.counts["clients"].sum())
    plural = "s" if discussed != 1 else ""
    st.markdown(f"**{discussed} participant{plural} with something to discuss**, by team and reason:")
    st.table(agenda_counts(shown.counts), hide_index=True)
if not shown.listed.empty:
    record_view(viewer, access.WEEKLY_MEETING, audit)
    rows = agenda_rows(shown.listed)
    st.caption("Names of participants with a release of information in force; graduations are good news.")
    if shown.named > len(rows):
        narrow = "choose a team above to narrow the list; " if team is None else ""
        st.markdown(f"**Showing {len(rows)} of {shown.named:,} participants named**: {narrow}the CSV holds them all.")
    st.table(markdown_cells(rows), hide_index=True)
    whole_agenda = load_later(meeting.meeting_agenda, as_of=as_of)
    st.download_button(
        "Download CSV",
        data=lambda: exported(
            agenda_rows(whole_agenda().for_team(team).listed),
            lambda: record_export(viewer, access.WEEKLY_MEETING, audit),
        ),
        file_name=f"lead-meeting-agenda-{as_of.isoformat()}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    if "participant_id" in shown.listed.columns:  # the figure gives ids to staff only
        client_links(shown.listed, key="agenda-client")
if shown.with_names and not shown.not_named.empty:
    more = int(shown.not_named["clients"].sum())
    by_team = ", ".join(f"{markdown_literal(row.team)}: {row.clients}" for row in shown.not_named.itertuples())
    st.markdown(
        f"**{more} {'more ' if not shown.listed.empty else ''}participant{'s' if more != 1 else ''} "
        f"without a release on file** ({by_team})."
    )
