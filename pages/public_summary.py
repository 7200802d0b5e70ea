"""Public summary, for community and business presentations: one month-end's figures, safe to compare
with any other month-end's (see lead_data.figures.public_summary)."""

from __future__ import annotations

import streamlit as st

from lead_data.figures.public_summary import public_summary
from lead_data.labels import label
from lead_data.suppression import COMPLEMENT, HIDDEN, ROUNDING_BASE, SMALLEST_SHOWN
from lead_data.zone import place_labels
from ui.access import require_page
from ui.data import load
from ui.settings import chooses_report_settings, current_site, public_summary_as_of
from ui.tables import table

viewer = require_page(__file__)
site = current_site()
summary = load(public_summary, as_of=public_summary_as_of(viewer), site=site)
headline = summary.headline
latest = summary.latest_quarter

st.title(f"{site.program_name} in {site.city_name}")
st.caption(
    f"As of the end of {summary.month_label}. Totals since {site.launch_date.year} and people enrolled now are "
    f"rounded to the nearest {ROUNDING_BASE}; referrals are counted by calendar quarter, for the last four "
    "complete quarters. "
    f'Counts from 1 to {SMALLEST_SHOWN - 1} show as "{HIDDEN}"; "{COMPLEMENT}" marks a figure hidden '
    "because it would give such a count away."
)
if chooses_report_settings(viewer):
    st.caption(
        "The public always see the latest complete month. Your as-of date shows what was published at the "
        "end of an earlier month."
    )

first_row, second_row = st.columns(2), st.columns(2)
first_row[0].metric(f"People enrolled since {site.launch_date.year}", headline["enrolled"], border=True)
first_row[1].metric("Enrolled now", headline["active"], border=True)
second_row[0].metric(
    f"Referrals, {latest.months}" if latest else "Referrals, last complete quarter", headline["referrals"], border=True
)
second_row[1].metric(
    "Re-arrested after enrolling",
    headline["rearrest_rate"],
    help=(
        "Share of everyone ever enrolled who was arrested again after their intake, worked out from the "
        f"rounded counts: {headline['rearrested']} re-arrested of {headline['enrolled']} enrolled."
    ),
    border=True,
)

st.columns(2)[0].metric(
    "Re-arrested within 12 months of enrolling",
    headline["rearrest_12_month_share"],
    f"of {headline['followed_12_months']} people enrolled at least a year",
    delta_color="off",
    delta_arrow="off",
    help=(
        "Share of the people enrolled at least twelve months who were arrested again within twelve months of "
        f"intake, worked out from the rounded counts: {headline['rearrested_12_months']} of "
        f"{headline['followed_12_months']}."
    ),
    border=True,
)

st.header("Referrals by quarter and type")
table(
    summary.referrals_by_type,
    file_name=f"lead-referrals-by-type-{summary.month_end:%Y-%m}.csv",
    column_config={
        "quarter": "Quarter",
        "arrest_diversion": label("arrest_diversion"),
        "social_contact": label("social_contact"),
        "not recorded": "Type not recorded",
    },
)
st.header("Where referrals happened, by quarter")
table(
    summary.referrals_by_place,
    file_name=f"lead-referrals-by-place-{summary.month_end:%Y-%m}.csv",
    column_config={"quarter": "Quarter", **place_labels(site)},
)
