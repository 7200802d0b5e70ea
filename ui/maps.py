"""The referral map: points coloured like every other chart, the pilot zones' outlines, no names; past
MAX_MAP_POINTS points, squares of a grid shaded by how many referrals each holds instead (what the
browser gets stays small whatever the number of referrals). Beside it, for people who cannot see it,
the same referrals in words and as a table by place."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pydeck as pdk
import streamlit as st
from pydeck.bindings.json_tools import default_serialize

from lead_data.figures.referral_places import grid_cell
from lead_data.labels import label, labelled
from lead_data.site import Site
from lead_data.sql import NOT_RECORDED
from lead_data.zone import LOCATION_UNKNOWN, OUTSIDE_CITY, place_labels
from ui.charts import built_once
from ui.palette import NOT_RECORDED_COLOUR, REFERRAL_TYPE_COLOURS, hex_to_rgb

# Up to this many referrals with plausible coordinates the map draws one dot each; past it, a grid.
MAX_MAP_POINTS = 3_000
TOOLTIP = {
    "html": "<b>{referred_on}</b><br/>{referral_type}<br/>Offense: {offense}",
    "style": {"fontSize": "16px"},
}
# The view is fitted to a chart of about this size (the page draws it full width, 620 px high);
# a wider screen only shows more margin around the same points.
FIT_WIDTH_PX = 680
FIT_HEIGHT_PX = 520
MAX_ZOOM = 15.5


class CompactDeck(pdk.Deck):  # type: ignore[misc]  # pydeck ships no types: Deck is Any to mypy
    """A deck whose JSON (what ``st.pydeck_chart`` sends) has no indentation: pydeck's own puts every
    number of every row on a line of its own, which triples what the browser gets."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


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


def points_on_the_map(counts: pd.DataFrame) -> int:
    """How many referrals have plausible coordinates (``location_counts``): known and in the city."""
    return int(counts.loc[~counts["location"].isin([LOCATION_UNKNOWN, OUTSIDE_CITY]), "referrals"].sum())


def drawn_one_by_one(counts: pd.DataFrame) -> bool:
    """Whether the map draws each referral as a dot (else squares of a grid, ``grid_map``)."""
    return points_on_the_map(counts) <= MAX_MAP_POINTS


def zone_outlines(site: Site) -> pdk.Layer:
    return pdk.Layer(
        "PolygonLayer",
        id="pilot-zone",
        data=[{"outline": zone.outline, "name": zone.name} for zone in site.zones],
        get_polygon="outline",
        get_fill_color=[0, 0, 0, 18],
        get_line_color=[0, 0, 0, 230],
        line_width_min_pixels=3,
        stroked=True,
        pickable=False,
    )


def zone_halo(site: Site) -> pdk.Layer:
    """A white band under the zones' outlines, so they stand out on the darkest squares too."""
    return pdk.Layer(
        "PolygonLayer",
        id="pilot-zone-halo",
        data=[{"outline": zone.outline} for zone in site.zones],
        get_polygon="outline",
        filled=False,
        get_line_color=[255, 255, 255, 255],
        line_width_min_pixels=7,
        stroked=True,
        pickable=False,
    )


def zone_corners(site: Site) -> tuple[list[float], list[float]]:
    corners = [corner for zone in site.zones for corner in zone.outline]
    return [x for x, _ in corners], [y for _, y in corners]


@built_once
def referral_map(locations: pd.DataFrame, site: Site) -> pdk.Deck:
    """A deck with the zones' outlines and one dot per referral that has plausible coordinates."""
    plausible = locations[~locations["location"].isin([LOCATION_UNKNOWN, OUTSIDE_CITY])]
    points = labelled(plausible, "referral_type", "offense").assign(
        referred_on=plausible["referred_on"].astype(str),
        colour=plausible["referral_type"].map(
            lambda code: hex_to_rgb(REFERRAL_TYPE_COLOURS.get(code, NOT_RECORDED_COLOUR)) + [225]
        ),
    )[["referred_on", "referral_type", "offense", "longitude", "latitude", "colour"]]
    longitudes, latitudes = zone_corners(site)
    view = fitted_view(longitudes + points["longitude"].tolist(), latitudes + points["latitude"].tolist())
    return CompactDeck(
        layers=[
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
            zone_halo(site),  # over the dots, so that a crowded zone still shows
            zone_outlines(site),
        ],
        initial_view_state=view,
        map_style=None,
        tooltip=TOOLTIP,
    )


GRID_TOOLTIP = {"html": "<b>{in_words}</b> in this square", "style": {"fontSize": "16px"}}
# Viridis, fewest referrals to most: light to dark, so the order reads in grey and with every common
# colour-vision deficiency, and neighbouring shades stay apart on a projector.
GRID_COLOURS = ("#FDE725", "#5EC962", "#21918C", "#3B528B", "#440154")
GRID_OPACITY = 225


def count_classes(most: int) -> list[int]:
    """The lowest count of each shade: 1, then steps growing geometrically (to one significant
    figure) up to ``most``; at most one class per colour of GRID_COLOURS."""
    steps = len(GRID_COLOURS)
    return sorted({1, *(max(1, int(float(f"{most ** (k / steps):.1g}"))) for k in range(1, steps))})


def class_colours(classes: list[int]) -> list[str]:
    """A colour per class, spread over GRID_COLOURS so that the most is always the darkest."""
    last = len(GRID_COLOURS) - 1
    if len(classes) == 1:
        return [GRID_COLOURS[last]]
    return [
        GRID_COLOURS[round(last * (1 - (len(classes) - 1 - index) / (len(classes) - 1)))]
        for index in range(len(classes))
    ]


@built_once
def grid_map(squares: pd.DataFrame, site: Site) -> pdk.Deck:
    """A deck with the zones' outlines over flat squares (``referral_map.referral_grid``), each shaded by
    its class of ``count_classes`` with its count in the tooltip: one row per square, not per referral."""
    classes = count_classes(int(squares["referrals"].max()) if len(squares) else 1)
    colours = [hex_to_rgb(colour) + [GRID_OPACITY] for colour in class_colours(classes)]
    shade = np.searchsorted(classes, squares["referrals"].to_numpy(), side="right") - 1
    data = pd.DataFrame(
        {
            "square": [
                [[west, south], [east, south], [east, north], [west, north]]
                for west, south, east, north in squares[["west", "south", "east", "north"]]
                .round(5)  # a metre
                .itertuples(index=False)
            ],
            "in_words": [f"{count:,} referral{'' if count == 1 else 's'}" for count in squares["referrals"]],
            "colour": [colours[index] for index in shade],
        }
    )
    longitudes, latitudes = zone_corners(site)
    view = fitted_view(
        longitudes + squares["west"].tolist() + squares["east"].tolist(),
        latitudes + squares["south"].tolist() + squares["north"].tolist(),
    )
    return CompactDeck(
        layers=[
            pdk.Layer(
                "PolygonLayer",
                id="referral-squares",
                data=data,
                get_polygon="square",
                get_fill_color="colour",
                stroked=False,
                extruded=False,
                pickable=True,
            ),
            zone_halo(site),
            zone_outlines(site),
        ],
        initial_view_state=view,
        map_style=None,
        tooltip=GRID_TOOLTIP,
    )


ZONE_SWATCH = (
    '<span style="white-space:nowrap"><span style="display:inline-block;width:1.6em;border-top:3px solid #000;'
    'vertical-align:middle"></span> Pilot zone</span>'
)


def map_legend() -> str:
    """The legend as HTML built only from the palette's constants (never from database text)."""
    swatches = "".join(
        f'<span style="margin-right:1.5em;white-space:nowrap"><span style="display:inline-block;width:1em;'
        f"height:1em;border-radius:50%;background:{colour};border:1.5px solid #fff;box-shadow:0 0 0 1px #555;"
        f'vertical-align:middle"></span> {label(code)}</span>'
        for code, colour in REFERRAL_TYPE_COLOURS.items()
        if code != NOT_RECORDED
    )
    return f'<div style="font-size:1.15rem;line-height:2">{swatches}{ZONE_SWATCH}</div>'


def grid_legend(squares: pd.DataFrame, site: Site) -> str:
    """The grid's legend as HTML from numbers and constants only: one swatch per class of counts, the
    zone's outline, and a sentence saying the map is aggregated."""
    most = int(squares["referrals"].max()) if len(squares) else 1
    classes = count_classes(most)
    uppers = [lower - 1 for lower in classes[1:]] + [most]
    swatches = "".join(
        f'<span style="margin-right:1.5em;white-space:nowrap"><span style="display:inline-block;width:1.1em;'
        f'height:1.1em;background:{colour};box-shadow:0 0 0 1px #555;vertical-align:middle"></span> '
        f"{lower:,}{'' if upper == lower else f'–{upper:,}'}</span>"
        for lower, upper, colour in zip(classes, uppers, class_colours(classes), strict=True)
    )
    total, metres = int(squares["referrals"].sum()), grid_cell(site).metres
    sentence = (
        f"Aggregated: too many referrals to show one by one, so {total:,} referrals are counted in squares about "
        f"{metres:,.0f} m across, shaded by how many each holds."
    )
    return (
        f'<div style="font-size:1.15rem;line-height:2">{sentence}<br/>Referrals per square: '
        f"{swatches}{ZONE_SWATCH}</div>"
    )


MAP_HEIGHT_PX = 620


def show_map(deck: pdk.Deck, legend: str, places: pd.DataFrame, site: Site, counts: pd.DataFrame) -> None:
    """The map (``referral_map`` or ``grid_map``) with its legend, its summary in words (also the map's
    accessible name) and the referrals by place as a table (``referral_map.referral_places``): a screen
    reader gets all the map says but the exact spots."""
    summary = map_summary(counts, ", ".join(zone.name for zone in site.zones))
    st.pydeck_chart(deck, height=MAP_HEIGHT_PX, alt=summary)
    st.html(legend)
    st.caption(summary)
    st.table(referrals_by_place(places, site), hide_index=True)


def map_summary(counts: pd.DataFrame, zone_name: str) -> str:
    """One sentence: how many referrals, and how many fell in each kind of place (``location_counts``)."""
    total = int(counts["referrals"].sum())
    places = ", ".join(f"{int(row.referrals):,} {row.label[0].lower()}{row.label[1:]}" for row in counts.itertuples())
    return f"Map of {total:,} referrals against {zone_name}: {places}."


@built_once
def referrals_by_place(locations: pd.DataFrame, site: Site) -> pd.DataFrame:
    """Referrals per kind of place and referral type (both types always; "Not recorded" when there
    are any), zeros included, with a total per place: from one row per referral, or from rows that
    each count ``referrals`` of them (``referral_map.referral_places``)."""
    kinds = locations["referral_type"].map(label)
    types = [label(code) for code in REFERRAL_TYPE_COLOURS if code != NOT_RECORDED]
    types += sorted(set(kinds) - set(types))
    places = place_labels(site)
    weights = locations["referrals"] if "referrals" in locations else pd.Series(1, index=locations.index)
    table = (
        weights.groupby([locations["location"], kinds])
        .sum()
        .unstack(fill_value=0)
        .reindex(index=list(places), columns=types, fill_value=0)
        .astype(int)
    )
    return pd.DataFrame(
        {
            "Place": [places[key] for key in table.index],
            **{name: table[name].to_numpy() for name in types},
            "Total": table.sum(axis=1).to_numpy(),
        }
    )
