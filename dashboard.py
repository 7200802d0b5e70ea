"""LEAD operational dashboard: the router. Declares every page and draws what all pages share."""

from __future__ import annotations

import streamlit as st

from ui.data import require_database
from ui.settings import draw_report_settings

st.set_page_config(page_title="LEAD dashboard", page_icon=":material/diversity_3:", layout="wide")

pages = {
    "Leadership": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    ],
    "Program": [
        st.Page("pages/enrollment.py", title="Enrollment", icon=":material/how_to_reg:"),
        st.Page("pages/rearrests.py", title="Re-arrests", icon=":material/gavel:"),
        st.Page("pages/caseload.py", title="Caseload", icon=":material/groups:"),
        st.Page("pages/referral_map.py", title="Referral map", icon=":material/map:"),
    ],
    "Staff": [
        st.Page("pages/participants.py", title="Participants", icon=":material/person_search:"),
    ],
    "Partners": [
        st.Page("pages/weekly_meeting.py", title="Weekly meeting", icon=":material/co_present:"),
    ],
    "Data": [
        st.Page("pages/data_quality.py", title="Data quality", icon=":material/fact_check:"),
    ],
}
page = st.navigation(pages)

database = require_database()
draw_report_settings()
if database.is_demo:
    st.sidebar.warning("Demo data: synthetic, fake people. Not a real program database.", icon=":material/science:")
else:
    st.sidebar.caption(f"Database: {database.display_url}")

page.run()
