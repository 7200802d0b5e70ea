"""The report settings every page shares: the as-of date and the period, kept in the URL; and the site.

The public have none: they see one fixed view, the public summary as of the end of the last
complete month. With an as-of date they could compare two month-ends and subtract a count the
small-cell suppression hides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from lead_data.access import PUBLIC
from lead_data.periods import DEFAULT_PERIOD, PERIOD_CHOICES, Period, period_ending
from lead_data.site import Site, SiteError, load_site
from ui.access import Viewer

log = logging.getLogger("lead_dashboard")

AS_OF_KEY = "as_of"
PERIOD_KEY = "period"


@dataclass(frozen=True)
class ReportSettings:
    as_of: date
    period: Period
    period_name: str


def current_site() -> Site:
    """The site (lead_data.site); a bad site file stops the page with what to fix, and logs it."""
    try:
        return load_site()
    except SiteError as problem:
        log.error("site file: %s", problem)
        st.error(f"The dashboard's site configuration cannot be used: {problem}", icon=":material/location_off:")
        st.stop()


def chooses_report_settings(viewer: Viewer) -> bool:
    return viewer.role != PUBLIC


def draw_report_settings(viewer: Viewer) -> None:
    """The sidebar's as-of date and period pickers, bound to ``?as_of=`` and ``?period=``; none for
    the public."""
    if not chooses_report_settings(viewer):
        return
    site = current_site()
    today = site.today()
    with st.sidebar:
        st.date_input(
            "As of",
            value=today,
            min_value=site.launch_date,
            max_value=today,
            key=AS_OF_KEY,
            bind="query-params",
            help="Every figure counts only what had happened by the end of this day.",
        )
        st.selectbox(
            "Period",
            options=list(PERIOD_CHOICES),
            index=list(PERIOD_CHOICES).index(DEFAULT_PERIOD),
            format_func=PERIOD_CHOICES.__getitem__,
            key=PERIOD_KEY,
            bind="query-params",
            help="Window for per-period figures (referrals, intakes, re-arrests), ending on the as-of date.",
        )


def report_settings() -> ReportSettings:
    """The settings chosen in the sidebar on this run."""
    as_of = st.session_state.get(AS_OF_KEY) or current_site().today()
    name = st.session_state.get(PERIOD_KEY) or DEFAULT_PERIOD
    return ReportSettings(as_of=as_of, period=period_ending(as_of, name), period_name=PERIOD_CHOICES[name])


def public_summary_as_of(viewer: Viewer) -> date:
    """The day the public summary counts to: yesterday, the last complete day, for the public
    (whatever the URL says); the as-of date, up to yesterday, for roles that may look back."""
    yesterday = current_site().today() - timedelta(days=1)
    if not chooses_report_settings(viewer):
        return yesterday
    return min(report_settings().as_of, yesterday)
