"""Overview for leadership: the headline figures and how they have moved."""

from __future__ import annotations

import streamlit as st

from lead_data.figures import casework, enrollment, participants
from lead_data.figures.caseload import caseload_balance, caseload_by_team, unassigned_count
from lead_data.figures.rearrests import rearrest_rate
from ui.access import may_see, require_page
from ui.charts import monthly_bars, monthly_line, service_bars, show
from ui.data import load
from ui.palette import REFERRAL_TYPE_COLOURS
from ui.settings import current_site, report_settings

viewer = require_page(__file__)
settings = report_settings()
as_of, period = settings.as_of, settings.period

active = load(enrollment.active_count, as_of=as_of)
referrals = load(enrollment.referral_count, as_of=as_of, period=period)
rearrests = load(rearrest_rate, as_of=as_of)
caseload = load(caseload_by_team, as_of=as_of)
unassigned = load(unassigned_count, as_of=as_of)
past_deadline = load(casework.referrals_past_deadline, as_of=as_of, deadlines=current_site().deadlines)
active_trend = load(enrollment.active_by_month, as_of=as_of, period=period)
referral_trend = load(enrollment.referrals_by, as_of=as_of, period=period, by=("month", "referral_type"))
services = load(participants.service_linkage, as_of=as_of) if may_see(participants.service_linkage) else None

st.title("LEAD at a glance")
st.caption(f"As of {as_of:%A %d %B %Y} · period: {settings.period_name} ({period.label()})")

# Short labels four to a row, long ones three: no label is cut off on a 1280-pixel projector.
first_row, second_row = st.columns(4), st.columns(3)
first_row[0].metric("Enrolled (ever)", rearrests.enrolled, border=True)
first_row[1].metric("Active now", active, border=True)
first_row[2].metric("Teams over cap", caseload_balance(caseload).teams_over_cap, border=True)
first_row[3].metric("Unassigned clients", unassigned, border=True)
second_row[0].metric(f"Referrals, {settings.period_name.lower()}", referrals, border=True)
second_row[1].metric(
    "Participants re-arrested",
    rearrests.rearrested,
    "no one enrolled yet" if rearrests.rate is None else f"{rearrests.rate:.1%} of {rearrests.enrolled} enrolled",
    delta_color="off",
    delta_arrow="off",
    border=True,
)
second_row[2].metric(
    "Referrals past deadline",
    past_deadline,
    border=True,
    help="Waiting in the referral queue past their step's deadline.",
)

left, right = st.columns(2)
with left:
    show(
        monthly_line(
            active_trend, value="active", title="Active participants at month end", y_title="Active participants"
        )
    )
with right:
    show(
        monthly_bars(
            referral_trend,
            value="referrals",
            colour_by="referral_type",
            colours=REFERRAL_TYPE_COLOURS,
            title="Referrals per month",
            y_title="Referrals",
        )
    )

if services is not None:
    st.header("Linkage to services")
    if services.empty:
        st.info("No service referrals recorded yet.")
    else:
        show(service_bars(services))
