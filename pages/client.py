"""One client, for staff: where they stand and everything that happened, in order. Opened from a list
with ``?participant=ID``; every view is audited before anything is drawn."""

from __future__ import annotations

import logging

import streamlit as st

from lead_data import access
from lead_data.figures import casework
from lead_data.labels import label
from ui.access import record_export, record_view, require_page
from ui.casework import CLIENT_PARAMETER, client_links
from ui.data import load
from ui.settings import report_settings
from ui.tables import table
from ui.text import markdown_literal

log = logging.getLogger("lead_dashboard")

viewer = require_page(__file__)
as_of = report_settings().as_of

st.title("Client")
asked = st.query_params.get(CLIENT_PARAMETER, "").strip()
if not asked:
    st.info("Find a client here, or open one from Participants, My clients or the Referral queue.")
    search = st.text_input(
        "Name or ID", max_chars=80, placeholder="first or last name, or participant ID", key="client-search"
    )
    choices = load(casework.client_choices, as_of=as_of, search=search)
    offered = load(casework.client_choice_count, as_of=as_of, search=search)
    if offered > len(choices):
        st.caption(f"Showing the first {len(choices)} of {offered:,} people: type more of a name to narrow.")
    elif search.strip() and not offered:
        st.caption(f"No one referred by {as_of:%d %B %Y} matches “{markdown_literal(search.strip())}”.")
    client_links(choices, key="client-choice")
    st.stop()
if not asked.isdigit():
    log.warning("%s asked for the client page of %r, which is not a participant ID", viewer.audit_name, asked)
    st.error(
        f"“{markdown_literal(asked[:40])}” is not a participant ID: the link should end in ?{CLIENT_PARAMETER}= "
        "and a number."
    )
    st.stop()

participant_id = int(asked)
audit = {"as_of": as_of, "participant_id": participant_id}
record_view(viewer, access.CLIENT, audit)
client = load(casework.client_record, as_of=as_of, participant_id=participant_id)
if client is None:
    st.warning(f"No participant with ID {participant_id} had been referred by {as_of:%d %B %Y}.")
    st.stop()

st.header(markdown_literal(client.name))
born = f"born {client.date_of_birth:%d %B %Y}" if client.date_of_birth else "date of birth not recorded"
st.caption(f"ID {client.participant_id} · {born} · as of {as_of:%A %d %B %Y}. Staff only.")
status, team, release = st.columns(3)
status.metric("Status", {"referred": "Referred, never enrolled"}.get(client.status, label(client.status)))
team.metric("Team", markdown_literal(client.team) if client.team else "Not enrolled")
if client.peer or client.case_manager:
    team.caption(
        f"Peer: {markdown_literal(client.peer or 'not recorded')} · "
        f"Case manager: {markdown_literal(client.case_manager or 'not recorded')}"
    )
release.metric("Release of information", client.release.capitalize())

st.subheader("Timeline")
table(
    client.timeline,
    file_name=f"lead-client-{client.participant_id}-{as_of.isoformat()}.csv",
    on_export=lambda: record_export(viewer, access.CLIENT, audit),
    column_config={
        "on": st.column_config.DateColumn("Date"),
        "event": "Event",
        "detail": "Detail",
    },
)
