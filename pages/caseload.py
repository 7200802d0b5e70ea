"""Caseload: each peer / case-manager pair against its cap, and who should take the next intake."""

from __future__ import annotations

import streamlit as st

from lead_data import access
from lead_data.figures.caseload import (
    FORECAST_SENTENCES_SHOWN,
    HORIZON_DAYS,
    PACE_DAYS,
    caseload_balance,
    caseload_by_team,
    caseload_forecast,
    forecast_sentence,
    nearest_cap_first,
    next_intake_team,
    unassigned_clients,
    unassigned_count,
)
from lead_data.labels import engagement_days, label, labelled
from lead_data.sql import CONTACT_OVERDUE, IN_THE_WIND
from ui.access import may_see, record_export, record_view, require_page
from ui.charts import caseload_bars, show
from ui.data import load
from ui.settings import report_settings
from ui.tables import table
from ui.text import markdown_literal

viewer = require_page(__file__)
settings = report_settings()
as_of = settings.as_of

caseload = load(caseload_by_team, as_of=as_of)
unassigned = load(unassigned_count, as_of=as_of)
balance = caseload_balance(caseload)
forecast = load(caseload_forecast, as_of=as_of)
suggestion = next_intake_team(forecast)

st.title("Caseload")
st.caption(f"Active clients per care team as of {as_of:%d %B %Y}. Team assignments are as currently recorded.")

row = st.columns(4)
row[0].metric("Active teams", balance.active_teams, border=True)
row[1].metric("Teams over cap", balance.teams_over_cap, border=True)
row[2].metric(
    "Caseload spread",
    balance.spread,
    help=f"Largest ({balance.largest}) minus smallest ({balance.smallest}) caseload among active teams.",
    border=True,
)
row[3].metric("Unassigned clients", unassigned, border=True)

if suggestion is not None:
    st.info(
        f"Suggested team for the next intake: **{markdown_literal(suggestion['team'])}** "
        f"({suggestion['caseload']} of {suggestion['caseload_cap']}, {suggestion['open_slots']} open slots now, "
        f"about {suggestion['projected_open_slots']:.0f} in {HORIZON_DAYS // 7} weeks at the current pace). "
        "A suggestion only: any team can take a client.",
        icon=":material/assignment_ind:",
    )

if caseload.empty:
    st.warning("No care teams are recorded.")
else:
    show(caseload_bars(caseload))
    table(
        caseload.drop(columns=["team_id"]),
        file_name=f"lead-caseload-{as_of.isoformat()}.csv",
        column_config={
            "team": "Team",
            "peer": "Peer recovery counselor",
            "case_manager": "Case manager",
            "team_active": st.column_config.CheckboxColumn("Team active"),
            "caseload": st.column_config.NumberColumn("Caseload"),
            "caseload_cap": st.column_config.NumberColumn("Cap"),
            "open_slots": st.column_config.NumberColumn("Open slots"),
            "utilisation": st.column_config.ProgressColumn(
                "Utilisation", format="percent", min_value=0, max_value=1.25
            ),
            "over_cap": st.column_config.CheckboxColumn("Over cap"),
            "contact_overdue": st.column_config.NumberColumn(
                label(CONTACT_OVERDUE), help=engagement_days(CONTACT_OVERDUE).capitalize()
            ),
            "in_the_wind": st.column_config.NumberColumn(
                label(IN_THE_WIND), help=engagement_days(IN_THE_WIND).capitalize()
            ),
        },
    )

st.header("At the current pace")
if not forecast.empty:
    st.caption(
        f"Intakes and exits of each pair over the last {PACE_DAYS} days, and when it reaches its cap if they go on "
        "at that pace. The next-intake suggestion prefers a team with an open slot, then the most open slots "
        f"{HORIZON_DAYS // 7} weeks ahead at that pace."
    )
    nearest = nearest_cap_first(forecast).head(FORECAST_SENTENCES_SHOWN)
    shown_names = nearest.assign(team=nearest["team"].map(markdown_literal))  # team names shown literally
    st.markdown("\n".join(f"- {forecast_sentence(team)}" for _, team in shown_names.iterrows()))
    if len(forecast) > len(nearest):
        st.caption(f"The {len(nearest)} teams nearest their cap; the table below has all {len(forecast):,}.")
    table(
        forecast[["team", "caseload", "caseload_cap", "intakes_per_week", "exits_per_week", "reaches_cap_on"]],
        file_name=f"lead-caseload-forecast-{as_of.isoformat()}.csv",
        column_config={
            "team": "Team",
            "caseload": st.column_config.NumberColumn("Caseload"),
            "caseload_cap": st.column_config.NumberColumn("Cap"),
            "intakes_per_week": st.column_config.NumberColumn("Intakes / week", format="%.1f"),
            "exits_per_week": st.column_config.NumberColumn("Exits / week", format="%.1f"),
            "reaches_cap_on": st.column_config.DateColumn(
                "Reaches cap", help="Blank: not at the current pace (exits keep up with intakes)"
            ),
        },
    )

st.header(f"Unassigned clients ({unassigned})")
if not unassigned:
    st.success("Every active client has a care team.")
elif may_see(unassigned_clients):
    clients = labelled(load(unassigned_clients, as_of=as_of), "engagement")
    record_view(viewer, access.CASELOAD, {"as_of": as_of, "list": "unassigned clients"})
    table(
        clients,
        file_name=f"lead-unassigned-clients-{as_of.isoformat()}.csv",
        on_export=lambda: record_export(viewer, access.CASELOAD, {"as_of": as_of, "list": "unassigned clients"}),
        column_config={
            "participant_id": st.column_config.NumberColumn("Participant ID", format="%d"),
            "intake_on": st.column_config.DateColumn("Intake"),
            "days_since_intake": st.column_config.NumberColumn("Days since intake"),
            "days_since_contact": st.column_config.NumberColumn("Days since contact"),
            "engagement": "Engagement",
        },
    )
