"""Equity: referrals, eligibility, enrollment, days to intake, re-arrest and exits by race, sex and age
band at referral, against the program's overall rate. Small counts are suppressed for every role but
staff, by the figures themselves (lead_data.figures.equity)."""

from __future__ import annotations

import streamlit as st

from lead_data.figures import equity
from lead_data.labels import label
from lead_data.suppression import COMPLEMENT, HIDDEN, SMALLEST_SHOWN
from ui.access import may_see, require_page
from ui.charts import group_rate_bars, show
from ui.data import load
from ui.settings import report_settings
from ui.tables import table
from ui.tabs import lazy_tabs

viewer = require_page(__file__)
settings = report_settings()
as_of, period = settings.as_of, settings.period

BREAKDOWNS = {"race": "Race", "sex": "Sex", "age_band": "Age band at referral"}
HEADINGS = {
    "group": "Group",
    "referred": label("referred"),
    "pending": "Pending",
    "decided": label("decided"),
    "eligible": label("eligible"),
    "ineligible": "Ineligible",
    "enrolled": label("enrolled"),
    "eligible_rate": "Eligible (of decided)",
    "eligible_rate_difference": "vs program",
    "enrolled_rate": "Enrolled (of referred)",
    "enrolled_rate_difference": "vs program",
    **{column: label(reason) for reason, column in equity.INELIGIBLE_REASON_COLUMNS.items()},
    "enrollments": "Intakes",
    "median_days": "Median days to intake",
    "median_days_difference": "vs program",
    "followed": "Followed 12 months",
    "rearrested": "Re-arrested within 12 months",
    "rearrested_share": "Share re-arrested",
    "rearrested_share_difference": "vs program",
    "exits": "Exits",
    "graduated": label("graduated"),
    "other_exits": "Other exits",
    "graduated_share": "Share graduated",
    "graduated_share_difference": "vs program",
}

st.title("Equity")
st.caption(
    f"{settings.period_name}: {period.label()} · as of {as_of:%d %B %Y}. LEAD began in Seattle after a decade of "
    "litigation over racial disparities in drug arrests; a program that diverts unevenly repeats the harm. Each "
    "figure is shown by group beside the program's own, with the difference in percentage points."
)
if not may_see(equity.referrals_by_group, "with_small_counts"):
    st.caption(
        f'Counts from 1 to {SMALLEST_SHOWN - 1} show as "{HIDDEN}"; "{COMPLEMENT}" marks a figure hidden because '
        "it would give such a count away from the totals on this page. A share is hidden when a count behind it is."
    )

dimension = st.radio(
    "Break down by", list(BREAKDOWNS), format_func=BREAKDOWNS.__getitem__, horizontal=True, key="equity_dimension"
)
age_note = "Age in whole years on the referral date." if dimension == "age_band" else ""
stem = f"lead-equity-{dimension}-{as_of:%Y-%m-%d}"


def section(frame, columns: list[str], *, file_name: str) -> None:
    table(
        equity.as_table(frame, dimension, columns),
        file_name=f"{stem}-{file_name}.csv",
        column_config={column: HEADINGS[column] for column in ["group", *columns]},
    )


def rate_chart(frame, value: str, *, title: str, x_title: str) -> None:
    rows = frame[frame["dimension"] == dimension]
    if rows.empty:
        return
    overall = frame.loc[frame["dimension"] == equity.ALL, value].iloc[0]
    show(group_rate_bars(rows, value=value, overall=overall, title=title, x_title=x_title))


# Each tab's section loads its own figure: only the open tab's runs (ui.tabs).
def referrals_tab() -> None:
    referrals = load(equity.referrals_by_group, as_of=as_of, period=period)
    st.header("Referrals, eligibility and enrollment")
    st.caption(
        f"Referrals made in the period, counted per referral. {age_note} Enrolled: eligible, verified by the State's "
        "Attorney's Office and taken in, as the eligibility funnel's last stage."
    )
    section(
        referrals,
        [
            "referred",
            "pending",
            "decided",
            "eligible",
            "ineligible",
            "eligible_rate",
            "eligible_rate_difference",
            "enrolled",
            "enrolled_rate",
            "enrolled_rate_difference",
        ],
        file_name="referrals",
    )
    left, right = st.columns(2)
    with left:
        rate_chart(referrals, "eligible_rate", title="Found eligible, of referrals decided", x_title="Share eligible")
    with right:
        rate_chart(referrals, "enrolled_rate", title="Enrolled, of referrals", x_title="Share enrolled")

    st.header("Why referrals were found ineligible")
    section(referrals, ["ineligible", *equity.INELIGIBLE_REASON_COLUMNS.values()], file_name="ineligibility-reasons")


def intake_tab() -> None:
    intakes = load(equity.days_to_intake_by_group, as_of=as_of, period=period)
    st.header("Days from referral to intake")
    st.caption("Intakes in the period, as on the Enrollment page; the median for each group.")
    section(intakes, ["enrollments", "median_days", "median_days_difference"], file_name="days-to-intake")


def rearrest_tab() -> None:
    rearrests = load(equity.rearrested_within_year_by_group, as_of=as_of)
    st.header("Re-arrested within 12 months of intake")
    st.caption(
        "Everyone enrolled at least 12 months by the as-of date (not only this period), by the group they were in on "
        "the referral date: the share with a re-arrest within 12 months of their first intake, as on the Outcomes page."
    )
    section(
        rearrests, ["followed", "rearrested", "rearrested_share", "rearrested_share_difference"], file_name="rearrest"
    )
    rate_chart(rearrests, "rearrested_share", title="Re-arrested within 12 months", x_title="Share re-arrested")


def exits_tab() -> None:
    exits = load(equity.exits_by_group, as_of=as_of, period=period)
    st.header("Exits")
    st.caption("Enrollments that ended in the period. A graduation is the good outcome; no exit reason is a failure.")
    section(
        exits, ["exits", "graduated", "other_exits", "graduated_share", "graduated_share_difference"], file_name="exits"
    )


lazy_tabs(
    {
        "Referrals and eligibility": referrals_tab,
        "Days to intake": intake_tab,
        "Re-arrest": rearrest_tab,
        "Exits": exits_tab,
    }
)
