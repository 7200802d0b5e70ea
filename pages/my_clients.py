"""My clients, for staff: the signed-in worker's own team's clients first, each with the next thing to do."""

from __future__ import annotations

import streamlit as st

from lead_data import access
from lead_data.figures import casework
from lead_data.labels import labelled
from lead_data.sql import ENGAGED_MAX_DAYS
from ui.access import DEMO, record_export, record_view, require_page
from ui.casework import client_links
from ui.data import load
from ui.settings import report_settings
from ui.tables import table
from ui.text import markdown_literal

NEXT_ACTION_LABELS = {
    casework.OVERDUE_CONTACT: "Overdue contact",
    casework.INTAKE_PAPERWORK: "Intake paperwork (release of information)",
    casework.ASSESSMENT_DUE: "Assessment due",
}
COLUMNS = {
    "participant_id": st.column_config.NumberColumn("ID", format="%d"),
    "name": "Name",
    "team": "Team",
    "engagement": "Engagement",
    "days_since_contact": st.column_config.NumberColumn("Days since contact"),
    "attempts_since_contact": st.column_config.NumberColumn("Attempts since", help="Attempts since the last contact"),
    "open_service_referrals": st.column_config.NumberColumn("Open service referrals"),
    "next_action": "Next action",
    "intake_on": st.column_config.DateColumn("Intake"),
    "last_contact_on": st.column_config.DateColumn("Last contact"),
    "last_assessment_on": st.column_config.DateColumn("Last assessment"),
}

viewer = require_page(__file__)
as_of = report_settings().as_of

caseload = load(casework.my_clients, as_of=as_of, staff_id=viewer.staff_id)
audit = {"as_of": as_of, "staff_id": viewer.staff_id}
record_view(viewer, access.MY_CLIENTS, audit)

st.title("My clients")
st.caption(
    f"Active clients on {as_of:%A %d %B %Y}, the most pressing next action first: overdue contact (over "
    f"{ENGAGED_MAX_DAYS} days), then intake paperwork (no release of information signed), then an "
    f"assessment due (none since intake, or {casework.ASSESSMENT_INTERVAL_DAYS} days since the last). "
    "Staff only: contains names."
)
because = caseload.every_team_because
if viewer.identified_by == DEMO:
    st.info("Demo database: nobody signs in, so every team is shown.", icon=":material/groups:")
elif because == casework.IS_SUPERVISOR:
    st.info(f"{markdown_literal(caseload.staff_name)}, as a supervisor you see every team.", icon=":material/groups:")
elif because == casework.NO_STAFF_ID:
    st.info(
        "The roles file gives no staff_id for you, so every team is shown. Ask the program's data lead to add "
        "yours to see your own team's clients first.",
        icon=":material/groups:",
    )
elif because == casework.UNKNOWN_STAFF_ID:
    st.warning(
        f"Your staff_id in the roles file ({viewer.staff_id}) is not in the program's staff table, so every team "
        "is shown. Ask the program's data lead to correct it.",
    )


def show(frame, *, heading: str, file_name: str) -> None:
    st.header(heading)
    if frame.empty:
        st.info("No active clients.")
        return
    shown = labelled(frame, "engagement").assign(next_action=frame["next_action"].map(NEXT_ACTION_LABELS))
    table(
        shown,
        file_name=f"lead-{file_name}-{as_of.isoformat()}.csv",
        column_config=COLUMNS,
        on_export=lambda: record_export(viewer, access.MY_CLIENTS, {**audit, "list": file_name}),
    )


if because is not None:
    show(caseload.own, heading=f"Every team: {len(caseload.own)} clients", file_name="clients")
else:
    teams = ", ".join(map(markdown_literal, caseload.own_teams)) or "no care team"
    show(caseload.own, heading=f"{teams}: {len(caseload.own)} clients", file_name="my-clients")
    if not caseload.own_teams:
        st.caption(f"{markdown_literal(caseload.staff_name)} is the peer or case manager of no care team.")
    with st.expander(f"Other teams: {len(caseload.others)} clients"):
        show(caseload.others, heading="Other teams", file_name="other-teams-clients")
client_links(caseload.own, caseload.others, key="my-clients-client")
