"""Public summary, for community and business presentations: month-level aggregates, small cells hidden."""

from __future__ import annotations

import streamlit as st

from lead_data import access
from lead_data.public import public_summary
from lead_data.suppression import COMPLEMENT, HIDDEN, SMALLEST_SHOWN
from lead_data.zone import load_pilot_zone
from ui.access import require_page
from ui.data import load
from ui.settings import report_settings
from ui.tables import table

viewer = require_page(access.PUBLIC_SUMMARY)
settings = report_settings()

summary = load(public_summary, as_of=settings.as_of, zone=load_pilot_zone())
headline = summary.headline
rate = headline["rearrest_rate"]

st.title("LEAD in Baltimore")
st.caption(
    f"As of the end of {summary.month_label}; referrals over the twelve months "
    f"{summary.period.start:%B %Y} to {summary.month_label}. Counts from 1 to {SMALLEST_SHOWN - 1} show as "
    f'"{HIDDEN}"; "{COMPLEMENT}" marks a figure hidden because it would give such a count away.'
)

first_row, second_row = st.columns(2), st.columns(2)
first_row[0].metric("People enrolled since 2017", headline["enrolled"], border=True)
first_row[1].metric("Enrolled now", headline["active"], border=True)
second_row[0].metric("Referrals, last 12 months", headline["referrals"], border=True)
second_row[1].metric(
    "Re-arrested after enrolling",
    rate if isinstance(rate, str) or rate is None else f"{rate:.0%}",
    help="Share of everyone ever enrolled who was arrested again after their intake.",
    border=True,
)

within_year = headline["rearrest_12_month_share"]
followed = headline["followed_12_months"]
third_row = st.columns(2)
third_row[0].metric(
    "Re-arrested within 12 months of enrolling",
    "—" if within_year is None else within_year if isinstance(within_year, str) else f"{within_year:.0%}",
    f"of {followed} people enrolled at least a year" if followed else "nobody enrolled a full year yet",
    delta_color="off",
    delta_arrow="off",
    help="Share of the people enrolled at least twelve months who were arrested again within twelve months of intake.",
    border=True,
)

left, right = st.columns([3, 2])
with left:
    st.subheader("Referrals by quarter")
    table(
        summary.referrals_by_quarter,
        file_name=f"lead-referrals-by-quarter-{summary.month_end:%Y-%m}.csv",
        column_config={
            "quarter": "Quarter",
            "arrest_diversion": "Arrest diversion",
            "social_contact": "Social contact",
            "not recorded": "Type not recorded",
        },
    )
with right:
    st.subheader("Where referrals happened")
    table(
        summary.referrals_by_place,
        file_name=f"lead-referrals-by-place-{summary.month_end:%Y-%m}.csv",
        column_config={"place": "Place", "referrals": "Referrals"},
    )
