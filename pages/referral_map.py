"""Referral map: where officers referred people, against the pilot zone. Never shows names."""

from __future__ import annotations

import streamlit as st

from lead_data import access, queries
from lead_data.zone import load_pilot_zone
from ui.access import require_page
from ui.data import load
from ui.maps import show_map
from ui.settings import report_settings

viewer = require_page(access.REFERRAL_MAP)
settings = report_settings()
as_of, period = settings.as_of, settings.period

zone = load_pilot_zone()
locations = load(queries.referral_locations, as_of=as_of, zone=zone, period=period)
counts = queries.location_counts(locations)

st.title("Referral map")
st.caption(
    f"Referrals from {period.label()} ({settings.period_name.lower()}), as of {as_of:%d %B %Y}. {zone.name}. "
    "Outside Baltimore: coordinates beyond the city, a recording error to fix at the source."
)

row = st.columns(len(counts))
for column, count in zip(row, counts.itertuples(), strict=True):
    column.metric(count.label, count.referrals, border=True)

show_map(locations, zone, counts)
