"""Enrollment: who is referred, who is found eligible, and how fast they reach intake."""

from __future__ import annotations

import streamlit as st

from lead_data import sql
from lead_data.figures import enrollment
from ui.access import require_page
from ui.charts import category_bars, days_bars, funnel, monthly_bars, show
from ui.data import load
from ui.palette import ACCENT, REFERRAL_TYPE_COLOURS
from ui.settings import report_settings

viewer = require_page(__file__)
settings = report_settings()
as_of, period = settings.as_of, settings.period

referrals = load(enrollment.referral_count, as_of=as_of, period=period)
intakes = load(enrollment.intake_count, as_of=as_of, period=period)
days_to_intake = load(enrollment.days_to_intake, as_of=as_of, period=period)
median_days = sql.median_of_counts(days_to_intake, "days", "enrollments")
referral_months = load(enrollment.referrals_by, as_of=as_of, period=period, by=("month", "referral_type"))
intake_months = load(enrollment.intakes_by_month, as_of=as_of, period=period)
stages = load(enrollment.eligibility_funnel, as_of=as_of, period=period)
reasons = load(enrollment.ineligibility_reasons, as_of=as_of, period=period)
offenses = load(enrollment.referrals_by, as_of=as_of, period=period, by=("offense",))
units = load(enrollment.referrals_by, as_of=as_of, period=period, by=("unit",))

st.title("Enrollment")
st.caption(f"{settings.period_name}: {period.label()} · as of {as_of:%d %B %Y}")

row = st.columns(3)
row[0].metric("Referrals", referrals, border=True)
row[1].metric("Intakes", intakes, border=True)
row[2].metric(
    "Median days to intake",
    "—" if median_days is None else f"{median_days:g}",
    help="Intake date minus referral date, for intakes in the period.",
    border=True,
)

left, right = st.columns(2)
with left:
    show(
        monthly_bars(
            referral_months,
            value="referrals",
            colour_by="referral_type",
            colours=REFERRAL_TYPE_COLOURS,
            title="Referrals per month, by type",
            y_title="Referrals",
        )
    )
with right:
    show(
        monthly_bars(
            intake_months,
            value="intakes",
            colour_by="referral_type",
            colours=REFERRAL_TYPE_COLOURS,
            title="Intakes per month, by referral type",
            y_title="Intakes",
        )
    )

left, right = st.columns(2)
with left:
    show(funnel(stages))
with right:
    if reasons.empty:
        st.info("No ineligible referrals in this period.")
    else:
        show(
            category_bars(
                reasons,
                category="reason",
                value="referrals",
                title="Why referrals were ineligible",
                x_title="Ineligible referrals",
            )
        )

left, right = st.columns(2)
with left:
    show(
        category_bars(
            offenses, category="offense", value="referrals", title="Referrals by suspected offense", x_title="Referrals"
        )
    )
with right:
    show(
        category_bars(
            units,
            category="unit",
            value="referrals",
            title="Referrals by officer's unit",
            x_title="Referrals",
            colour=ACCENT,
        )
    )

if not days_to_intake.empty:
    show(
        days_bars(
            days_to_intake,
            count="enrollments",
            title="Days from referral to intake",
            y_title="Intakes",
            median=median_days,
        )
    )
