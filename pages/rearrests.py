"""Re-arrests: how many participants were arrested again after intake, when, and for what."""

from __future__ import annotations

import streamlit as st

from lead_data import sql
from lead_data.figures import enrollment, rearrests
from ui.access import require_page
from ui.charts import days_bars, monthly_bars, show
from ui.data import load
from ui.palette import SEVERITY_COLOURS
from ui.settings import report_settings

viewer = require_page(__file__)
settings = report_settings()
as_of, period = settings.as_of, settings.period

by_month = load(rearrests.rearrests_by_month, as_of=as_of, period=period)
in_period = rearrests.rearrests_in(by_month)
first_rearrest = load(rearrests.days_to_first_rearrest, as_of=as_of)
median_days = sql.median_of_counts(first_rearrest, "days", "participants")
rate = rearrests.RearrestRate.of(first_rearrest, load(enrollment.enrolled_ever, as_of=as_of))
before_after = load(rearrests.arrests_before_and_after, as_of=as_of)

st.title("Re-arrests")
st.caption(
    "A re-arrest is an arrest dated after a participant's first intake, other than the arrest diverted "
    f"to LEAD; exiting the program does not stop the count. As of {as_of:%d %B %Y}."
)

first_row, second_row = st.columns(2), st.columns(2)
first_row[0].metric("Participants re-arrested", rate.rearrested, border=True)
first_row[1].metric(
    "Re-arrest rate",
    "—" if rate.rate is None else f"{rate.rate:.1%}",
    help="Participants re-arrested ÷ participants enrolled (ever).",
    border=True,
)
second_row[0].metric("Enrolled (ever)", rate.enrolled, border=True)
second_row[1].metric(f"Re-arrests, {settings.period_name.lower()}", in_period, border=True)

if by_month.empty:
    st.info(f"No re-arrests in {settings.period_name.lower()} ({period.label()}).")
else:
    show(
        monthly_bars(
            by_month,
            value="rearrests",
            colour_by="severity",
            colours=SEVERITY_COLOURS,
            title="Re-arrests per month, by severity",
            y_title="Re-arrests",
        )
    )

left, right = st.columns(2)
with left:
    if first_rearrest.empty:
        st.info("No participant has been re-arrested.")
    else:
        show(
            days_bars(
                first_rearrest,
                count="participants",
                title="Days from intake to first re-arrest",
                y_title="Participants",
                median=median_days,
            )
        )
with right:
    st.header("Arrests before and after LEAD")
    st.caption(
        f"{before_after.participants} participants enrolled at least 180 days: arrests in the 180 days "
        "before referral against re-arrests in the 180 days after intake (diverted arrests excluded)."
    )
    pair = st.columns(2)
    pair[0].metric("Before (arrests)", before_after.arrests_before, border=True)
    pair[1].metric(
        "After (re-arrests)",
        before_after.rearrests_after,
        before_after.rearrests_after - before_after.arrests_before,
        delta_color="inverse",
        border=True,
    )
