"""The report settings every page shares: the as-of date and the period, kept in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from lead_data.periods import DEFAULT_PERIOD, PERIOD_CHOICES, PROGRAM_START, Period, period_ending

AS_OF_KEY = "as_of"
PERIOD_KEY = "period"


@dataclass(frozen=True)
class ReportSettings:
    as_of: date
    period: Period
    period_name: str


def draw_report_settings() -> None:
    """The sidebar's as-of date and period pickers, bound to ``?as_of=`` and ``?period=``."""
    today = date.today()
    with st.sidebar:
        st.date_input(
            "As of",
            value=today,
            min_value=PROGRAM_START,
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
    as_of = st.session_state.get(AS_OF_KEY) or date.today()
    name = st.session_state.get(PERIOD_KEY) or DEFAULT_PERIOD
    return ReportSettings(as_of=as_of, period=period_ending(as_of, name), period_name=PERIOD_CHOICES[name])
