"""Officers: how far LEAD training has reached, unit by unit and over time, whether trained officers
refer, and referrals still made by officers not yet trained (a training gap to close). Officer names
for staff and leadership only, by the figure's own declaration (lead_data.figures.officers)."""

from __future__ import annotations

import streamlit as st

from lead_data.figures import officers
from lead_data.labels import label
from ui.access import may_see, require_page
from ui.charts import category_bars, group_rate_bars, running_total_lines, show
from ui.data import load
from ui.palette import ACCENT
from ui.settings import report_settings
from ui.tables import table

viewer = require_page(__file__)
settings = report_settings()
as_of, period = settings.as_of, settings.period

trained_units, trained_overall = officers.split_units(load(officers.officers_trained_by_unit, as_of=as_of))
training_months = load(officers.officers_trained_by_month, as_of=as_of)
engagement, engagement_overall = officers.split_units(
    load(officers.officer_engagement_by_unit, as_of=as_of, period=period)
)
by_officer = load(officers.referrals_by_officer, as_of=as_of, period=period)


def share(value: float) -> str:
    return "—" if value != value else f"{value:.0%}"  # NaN: no trained officer to count


st.title("Officers")
st.caption(
    f"Training as of {as_of:%d %B %Y}; referrals in the {settings.period_name.lower()} ({period.label()}). "
    "A referral counts as after training when it was made on or after its officer's training day."
)

first_row, second_row = st.columns(2), st.columns(2)
first_row[0].metric(
    "Officers trained",
    trained_overall["trained"],
    f"of {trained_overall['officers']} on record",
    delta_color="off",
    delta_arrow="off",
    help="Officers with a LEAD training date on or before the as-of date, of all officers on record.",
    border=True,
)
first_row[1].metric(
    "Trained who referred",
    share(engagement_overall["trained_referring_share"]),
    help=f"{engagement_overall['trained_referring']} of {engagement_overall['trained']} trained officers made a "
    "referral in the period after their training.",
    border=True,
)
per_officer = engagement_overall["referrals_per_trained_officer"]
second_row[0].metric(
    "Referrals per trained officer",
    "—" if per_officer != per_officer else f"{per_officer:.1f}",
    help="Referrals in the period made after the officer's training, per officer trained by the as-of date.",
    border=True,
)
second_row[1].metric(
    "Referrals before training",
    engagement_overall["referrals_before_training"],
    help="Referrals in the period by officers with no LEAD training yet on the day of the referral: a training "
    "gap to close.",
    border=True,
)

show(
    category_bars(
        trained_units, category="unit", value="trained", title="Officers trained, by unit", x_title="Officers"
    )
)
# Full width: a legend of every unit fits above the lines in one row.
if training_months.empty:
    st.info("No officer had been trained in LEAD by this date.")
else:
    show(
        running_total_lines(
            training_months,
            x="month",
            y="trained_to_date",
            colour_by="unit",
            title="Officers trained to date, by unit",
            y_title="Officers trained",
        )
    )

left, right = st.columns(2)
with left:
    show(
        group_rate_bars(
            engagement,
            value="social_contact_share",
            overall=engagement_overall["social_contact_share"],
            title="Social-contact referrals, share by unit",
            x_title="Share of the unit's referrals",
            group="unit",
        )
    )
with right:
    show(
        category_bars(
            engagement,
            category="unit",
            value="referrals_before_training",
            title="Referrals by officers not yet trained",
            x_title="Referrals",
            colour=ACCENT,
        )
    )

st.header("By unit")
table(
    engagement,
    file_name=f"lead-officer-engagement-{as_of:%Y-%m-%d}.csv",
    column_config={
        "unit": "Unit",
        "trained": "Trained officers",
        "trained_referring": "Trained who referred",
        "trained_referring_share": st.column_config.NumberColumn("Share who referred", format="percent"),
        "referrals": "Referrals",
        "referrals_after_training": "After training",
        "referrals_per_trained_officer": st.column_config.NumberColumn("Per trained officer", format="%.1f"),
        "social_contact": label("social_contact"),
        "social_contact_share": st.column_config.NumberColumn("Social-contact share", format="percent"),
        "referrals_before_training": "Before training",
    },
)

st.header("By officer")
st.caption(
    "Every officer trained by the as-of date or with a referral in the period, most referrals first."
    + (
        ""
        if may_see(officers.referrals_by_officer, "with_officer_names")
        else " Names and training dates are shown to staff and leadership."
    )
)
table(
    by_officer,
    file_name=f"lead-referrals-by-officer-{as_of:%Y-%m-%d}.csv",
    column_config={
        "officer": "Officer",
        "unit": "Unit",
        "trained": "Trained",
        "lead_trained_on": "Trained on",
        "referrals": "Referrals",
        "social_contact": label("social_contact"),
        "referrals_before_training": "Before training",
    },
)
