"""Referral map: where officers referred people, against the site's pilot zones. Never shows names."""

from __future__ import annotations

import streamlit as st

from lead_data.figures import referral_places
from ui import maps
from ui.access import require_page
from ui.data import load
from ui.settings import current_site, report_settings

viewer = require_page(__file__)
settings = report_settings()
as_of, period = settings.as_of, settings.period

site = current_site()
places = load(referral_places.referral_places, as_of=as_of, site=site, period=period)
counts = referral_places.location_counts(places, site)

st.title("Referral map")
st.caption(
    f"Referrals from {period.label()} ({settings.period_name.lower()}), as of {as_of:%d %B %Y}, against "
    f"{', '.join(zone.name for zone in site.zones)}. Outside {site.city_name}: coordinates beyond the city, "
    "a recording error to fix at the source."
)

row = st.columns(len(counts))
for column, count in zip(row, counts.itertuples(), strict=True):
    column.metric(count.label, count.referrals, border=True)

if maps.drawn_one_by_one(counts):
    deck = maps.referral_map(load(referral_places.referral_locations, as_of=as_of, site=site, period=period), site)
    legend = maps.map_legend()
else:
    squares = load(referral_places.referral_grid, as_of=as_of, site=site, period=period)
    deck, legend = maps.grid_map(squares, site), maps.grid_legend(squares, site)
maps.show_map(deck, legend, places, site, counts)
