"""LEAD operational dashboard: the router. Declares every page, shows each viewer the pages their
role may open, and draws what all pages share."""

from __future__ import annotations

import streamlit as st

from lead_data import access
from ui.access import draw_access_gate, draw_identity, signed_out_when_idle, viewer_of_this_run
from ui.data import require_database
from ui.runlog import page_run
from ui.settings import draw_report_settings

st.set_page_config(page_title="LEAD dashboard", page_icon=":material/diversity_3:", layout="wide")

SECTIONS = {
    "Leadership": [
        ("pages/overview.py", "Overview", ":material/dashboard:", access.OVERVIEW),
        ("pages/public_summary.py", "Public summary", ":material/public:", access.PUBLIC_SUMMARY),
    ],
    "Program": [
        ("pages/enrollment.py", "Enrollment", ":material/how_to_reg:", access.ENROLLMENT),
        ("pages/rearrests.py", "Re-arrests", ":material/gavel:", access.REARRESTS),
        ("pages/outcomes.py", "Outcomes", ":material/trending_down:", access.OUTCOMES),
        ("pages/equity.py", "Equity", ":material/balance:", access.EQUITY),
        ("pages/officers.py", "Officers", ":material/local_police:", access.OFFICERS),
        ("pages/caseload.py", "Caseload", ":material/groups:", access.CASELOAD),
        ("pages/referral_map.py", "Referral map", ":material/map:", access.REFERRAL_MAP),
        ("pages/referral_queue.py", "Referral queue", ":material/pending_actions:", access.REFERRAL_QUEUE),
    ],
    "Staff": [
        ("pages/participants.py", "Participants", ":material/person_search:", access.PARTICIPANTS),
        ("pages/my_clients.py", "My clients", ":material/assignment_ind:", access.MY_CLIENTS),
        ("pages/client.py", "Client", ":material/person:", access.CLIENT),
    ],
    "Partners": [
        ("pages/weekly_meeting.py", "Weekly meeting", ":material/co_present:", access.WEEKLY_MEETING),
    ],
    "Data": [
        ("pages/data_quality.py", "Data quality", ":material/fact_check:", access.DATA_QUALITY),
    ],
}

with viewer_of_this_run() as viewer:
    signed_out_when_idle(viewer)
    if viewer.permissions is None:
        gate = st.navigation([st.Page(draw_access_gate, title="Sign in", icon=":material/lock:")])
        with page_run(gate.title, None):
            gate.run()
        st.stop()

    allowed = {
        section: [
            st.Page(path, title=title, icon=icon)
            for path, title, icon, key in entries
            if viewer.permissions.may_open(key)
        ]
        for section, entries in SECTIONS.items()
    }
    page = st.navigation({section: pages for section, pages in allowed.items() if pages})

    database = require_database()
    draw_report_settings(viewer)
    draw_identity(viewer)
    if not database.is_demo and viewer.permissions.database_address:
        st.sidebar.caption(f"Database: {database.display_url}")

    with page_run(page.title, viewer.role):
        page.run()
