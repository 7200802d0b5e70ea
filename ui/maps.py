"""The referral map: points coloured like every other chart, the pilot zones' outlines, no names; and
beside it, for people who cannot see it, the same referrals in words and as a table by place."""

from __future__ import annotations

import math

import pandas as pd
import pydeck as pdk
import streamlit as st

from lead_data.site import Site
from lead_data.zone import LOCATION_UNKNOWN, OUTSIDE_CITY, place_labels
from ui.charts import NOT_RECORDED_COLOUR, REFERRAL_TYPE_COLOURS, hex_to_rgb, label, labelled

TOOLTIP = {
    "html": "<b>{referred_on}</b><br/>{referral_type}<br/>Offense: {offense}",
    "style": {"fontSize": "16px"},
}
# The view is fitted to a chart of about this size (the page draws it full width, 620 px high);
# a wider screen only shows more margin around the same points.
FIT_WIDTH_PX = 680
FIT_HEIGHT_PX = 520
MAX_ZOOM = 15.5


def fitted_view(longitudes: list[float], latitudes: list[float]) -> pdk.ViewState:
    """A view centred on the points that shows all of them (Web Mercator arithmetic)."""
    west, east = min(longitudes), max(longitudes)
    south, north = min(latitudes), max(latitudes)

    def mercator_y(latitude: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))

    # At zoom z the world is 512 * 2**z pixels wide in deck.gl.
    span_x = max(east - west, 1e-4) / 360
    span_y = max(mercator_y(north) - mercator_y(south), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(FIT_WIDTH_PX / 512 / span_x), math.log2(FIT_HEIGHT_PX / 512 / span_y), MAX_ZOOM)
    centre_y = (mercator_y(north) + mercator_y(south)) / 2
    centre_latitude = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return pdk.ViewState(latitude=centre_latitude, longitude=(west + east) / 2, zoom=round(zoom, 2))


def referral_map(locations: pd.DataFrame, site: Site) -> pdk.Deck:
    """A deck with the zones' outlines and one dot per referral that has plausible coordinates."""
    plausible = ~locations["location"].isin([LOCATION_UNKNOWN, OUTSIDE_CITY])
    points = labelled(locations[plausible], "referral_type", "offense")
    points = points.assign(
        referred_on=points["referred_on"].astype(str),
        colour=points["referral_type"].map(
            lambda name: hex_to_rgb(REFERRAL_TYPE_COLOURS.get(name, NOT_RECORDED_COLOUR)) + [225]
        ),
    )[["referred_on", "referral_type", "offense", "longitude", "latitude", "colour"]]
    outlines = [{"outline": zone.outline, "name": zone.name} for zone in site.zones]
    corners = [corner for zone in site.zones for corner in zone.outline]
    view = fitted_view(
        [x for x, _ in corners] + points["longitude"].tolist(), [y for _, y in corners] + points["latitude"].tolist()
    )
    return pdk.Deck(
        layers=[
            pdk.Layer(
                "PolygonLayer",
                id="pilot-zone",
                data=outlines,
                get_polygon="outline",
                get_fill_color=[0, 0, 0, 18],
                get_line_color=[0, 0, 0, 230],
                line_width_min_pixels=3,
                stroked=True,
                pickable=False,
            ),
            pdk.Layer(
                "ScatterplotLayer",
                id="referrals",
                data=points,
                get_position=["longitude", "latitude"],
                get_fill_color="colour",
                get_line_color=[255, 255, 255],
                line_width_min_pixels=1.5,
                stroked=True,
                get_radius=30,  # metres, kept between 6 and 10 pixels at any zoom
                radius_min_pixels=6,
                radius_max_pixels=10,
                pickable=True,
            ),
        ],
        initial_view_state=view,
        map_style=None,
        tooltip=TOOLTIP,
    )


def map_legend() -> str:
    """The legend as HTML built only from the palette's constants (never from database text)."""
    swatches = "".join(
        f'<span style="margin-right:1.5em;white-space:nowrap"><span style="display:inline-block;width:1em;'
        f"height:1em;border-radius:50%;background:{colour};border:1.5px solid #fff;box-shadow:0 0 0 1px #555;"
        f'vertical-align:middle"></span> {name}</span>'
        for name, colour in REFERRAL_TYPE_COLOURS.items()
        if name != "Not recorded"
    )
    outline = (
        '<span style="white-space:nowrap"><span style="display:inline-block;width:1.6em;border-top:3px solid #000;'
        'vertical-align:middle"></span> Pilot zone</span>'
    )
    return f'<div style="font-size:1.15rem;line-height:2">{swatches}{outline}</div>'


MAP_HEIGHT_PX = 620


def show_map(locations: pd.DataFrame, site: Site, counts: pd.DataFrame) -> None:
    """The map with its legend, its summary in words (also the map's accessible name) and the
    referrals by place as a table: a screen reader gets all the map says but the exact spots."""
    summary = map_summary(counts, ", ".join(zone.name for zone in site.zones))
    st.pydeck_chart(referral_map(locations, site), height=MAP_HEIGHT_PX, alt=summary)
    st.html(map_legend())
    st.caption(summary)
    st.table(referrals_by_place(locations, site), hide_index=True)


def map_summary(counts: pd.DataFrame, zone_name: str) -> str:
    """One sentence: how many referrals, and how many fell in each kind of place (``location_counts``)."""
    total = int(counts["referrals"].sum())
    places = ", ".join(f"{int(row.referrals):,} {row.label[0].lower()}{row.label[1:]}" for row in counts.itertuples())
    return f"Map of {total:,} referrals against {zone_name}: {places}."


def referrals_by_place(locations: pd.DataFrame, site: Site) -> pd.DataFrame:
    """Referrals per kind of place and referral type (both types always; "Not recorded" when there
    are any), zeros included, with a total per place."""
    kinds = locations["referral_type"].map(label)
    types = [name for name in REFERRAL_TYPE_COLOURS if name != "Not recorded"]
    types += sorted(set(kinds) - set(types))
    places = place_labels(site)
    table = pd.crosstab(locations["location"], kinds).reindex(index=list(places), columns=types, fill_value=0)
    return pd.DataFrame(
        {
            "Place": [places[key] for key in table.index],
            **{name: table[name].to_numpy() for name in types},
            "Total": table.sum(axis=1).to_numpy(),
        }
    )
