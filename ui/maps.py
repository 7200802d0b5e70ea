"""The referral map: points coloured like every other chart, the pilot-zone outline, no names."""

from __future__ import annotations

import pandas as pd
import pydeck as pdk

from lead_data.zone import IN_ZONE, OUTSIDE_ZONE, PilotZone
from ui.charts import REFERRAL_TYPE_COLOURS, hex_to_rgb, labelled

TOOLTIP = {"html": "<b>{referred_on}</b><br/>{referral_type}<br/>Offense: {offense}"}


def referral_map(locations: pd.DataFrame, zone: PilotZone) -> pdk.Deck:
    """A deck with the zone outline and one dot per referral that has plausible coordinates."""
    points = labelled(locations[locations["location"].isin([IN_ZONE, OUTSIDE_ZONE])], "referral_type", "offense")
    points = points.assign(
        referred_on=points["referred_on"].astype(str),
        colour=points["referral_type"].map(lambda name: hex_to_rgb(REFERRAL_TYPE_COLOURS.get(name, "#999999")) + [210]),
    )[["referred_on", "referral_type", "offense", "longitude", "latitude", "colour"]]
    centre = zone.polygon.centroid
    return pdk.Deck(
        layers=[
            pdk.Layer(
                "PolygonLayer",
                id="pilot-zone",
                data=[{"outline": zone.outline, "name": zone.name}],
                get_polygon="outline",
                get_fill_color=[0, 114, 178, 25],
                get_line_color=[0, 0, 0, 220],
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
                line_width_min_pixels=1,
                stroked=True,
                radius_min_pixels=5,
                radius_max_pixels=12,
                get_radius=18,
                pickable=True,
            ),
        ],
        initial_view_state=pdk.ViewState(latitude=centre.y, longitude=centre.x, zoom=14.3),
        map_style=None,
        tooltip=TOOLTIP,
    )


def map_legend() -> str:
    """The legend as HTML built only from the palette's constants (never from database text)."""
    swatches = "".join(
        f'<span style="margin-right:1.5em"><span style="display:inline-block;width:1em;height:1em;'
        f'border-radius:50%;background:{colour};vertical-align:middle"></span> {name}</span>'
        for name, colour in REFERRAL_TYPE_COLOURS.items()
        if name != "Not recorded"
    )
    outline = (
        '<span><span style="display:inline-block;width:1.6em;border-top:3px solid #000;'
        'vertical-align:middle"></span> Pilot zone</span>'
    )
    return f'<div style="font-size:1.1rem">{swatches}{outline}</div>'
