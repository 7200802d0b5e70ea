"""Participants, for staff: a filterable list of everyone enrolled, a page at a time, with a CSV of
every row the filters give (all pages)."""

from __future__ import annotations

import streamlit as st

from lead_data import access, sql
from lead_data.figures.participants import (
    PARTICIPANTS_PER_PAGE,
    STATUSES,
    ParticipantFilters,
    participant_count,
    participant_list,
    team_names,
)
from lead_data.labels import label, labelled
from lead_data.models import REFERRAL_TYPES
from ui.access import record_export, record_view, require_page
from ui.casework import client_links
from ui.data import load, load_later
from ui.settings import report_settings
from ui.tables import pager, table

LABELLED_COLUMNS = ("status", "engagement", "referral_type")
viewer = require_page(__file__)
settings = report_settings()
as_of = settings.as_of

st.title("Participants")
st.caption(f"Everyone enrolled by {as_of:%d %B %Y}, with their latest enrollment. Staff only: contains names.")

teams = load(team_names, as_of=as_of) + [sql.UNASSIGNED]
with st.container(border=True):
    row = st.columns([2, 2, 2, 2])
    statuses = row[0].multiselect("Status", STATUSES, default=["active"], format_func=label)
    engagement = row[1].multiselect(
        "Engagement", sql.ENGAGEMENT_LEVELS, format_func=label, help="Active participants only"
    )
    chosen_teams = row[2].multiselect("Team", teams)
    referral_types = row[3].multiselect("Referral type", REFERRAL_TYPES, format_func=label)
    row = st.columns([2, 2, 2, 2])
    name = row[0].text_input("Name contains", max_chars=80, placeholder="first or last name")
    intake_range = row[1].date_input(
        "Intake between",
        value=(),  # type: ignore[arg-type]  # Streamlit's types omit the empty range it accepts at run time
        max_value=as_of,
        help="Leave empty for any date.",
    )
    min_days = row[2].number_input("At least N days since contact", min_value=0, max_value=10_000, value=None, step=1)

intake_from = intake_range[0] if len(intake_range) >= 1 else None
intake_to = intake_range[1] if len(intake_range) == 2 else None
filters = ParticipantFilters(
    statuses=tuple(statuses),
    engagement=tuple(engagement),
    teams=tuple(chosen_teams),
    referral_types=tuple(referral_types),
    intake_from=intake_from,
    intake_to=intake_to,
    min_days_since_contact=None if min_days is None else int(min_days),
    name=name,
)
total = load(participant_count, as_of=as_of, filters=filters)

st.header(f"{total:,} participant{'' if total == 1 else 's'}")
page = pager(total, key="participants-page", page_size=PARTICIPANTS_PER_PAGE, restart_on=(as_of, filters))
participants = labelled(load(participant_list, as_of=as_of, filters=filters, page=page), *LABELLED_COLUMNS)
every_participant = load_later(participant_list, as_of=as_of, filters=filters)

record_view(viewer, access.PARTICIPANTS, {"as_of": as_of, **filters.for_audit(), "page": page.number})
table(
    participants,
    file_name=f"lead-participants-{as_of.isoformat()}.csv",
    on_export=lambda: record_export(viewer, access.PARTICIPANTS, {"as_of": as_of, **filters.for_audit()}),
    all_rows=lambda: labelled(every_participant(), *LABELLED_COLUMNS),
    column_config={
        "participant_id": st.column_config.NumberColumn("ID", format="%d"),
        "name": "Name",
        "status": "Status",
        "engagement": "Engagement",
        "team": "Team",
        "referral_type": "Referral type",
        "intake_on": st.column_config.DateColumn("Intake"),
        "exited_on": st.column_config.DateColumn("Exited"),
        "last_contact_on": st.column_config.DateColumn("Last contact"),
        "days_since_contact": st.column_config.NumberColumn("Days since contact"),
    },
)
client_links(participants, key="participants-client")
