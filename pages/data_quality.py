"""Data quality: where the program database departs from the data contract, so staff can fix the source."""

from __future__ import annotations

import streamlit as st

from lead_data import access
from lead_data.figures import quality
from ui.access import record_export, record_view, require_page
from ui.background import load_in_background, start_again
from ui.settings import current_site
from ui.tables import table

viewer = require_page(__file__)
today = current_site().today()

st.title("Data quality")
st.caption(
    "The program database checked against the data contract: schema, values of the wrong type, allowed "
    "values, references between tables, impossible or future dates, coordinates. Fix problems in the source system; "
    "the dashboard only reads. The same report: `python -m lead_data check --url URL`."
)
# A large database's check takes seconds: it runs in the background while the page says how far it is.
findings = load_in_background(
    quality.check_database, label="Checking the database against the data contract", steps="tables", today=today
)
findings_table = quality.findings_frame(findings)

if not findings:
    st.success("No problems found: the database matches the data contract.", icon=":material/verified:")
else:
    st.metric(
        "Problems found",
        len(findings),
        help="One per kind of problem and column; see Rows for how many rows each touches.",
        border=True,
    )
    record_view(viewer, access.DATA_QUALITY, {"today": today})
    st.caption(
        f"Rows counts every row with the problem; First ids lists at most the first {quality.EXAMPLES} "
        "of them by key, to start fixing from."
    )
    table(
        findings_table,
        file_name=f"lead-data-quality-{today.isoformat()}.csv",
        on_export=lambda: record_export(viewer, access.DATA_QUALITY, {"today": today}),
        column_config={
            "check": "Check",
            "table": "Table",
            "column": "Column",
            "problem": st.column_config.TextColumn("Problem", width="large"),
            "rows": st.column_config.NumberColumn("Rows"),
            "example_ids": st.column_config.TextColumn(
                "First ids", help=f"The keys of the first {quality.EXAMPLES} rows at most; Rows counts them all."
            ),
        },
    )

st.button(
    "Check again",
    key="check_again",
    icon=":material/refresh:",
    help="A check is reused for a few minutes: check again after fixing the source system.",
    on_click=start_again,
    args=(quality.check_database,),
    kwargs={"today": today},
)
