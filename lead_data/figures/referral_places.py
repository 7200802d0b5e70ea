"""The referral map's figures: where referrals were made, as points, as counts per place (the
site's zones, the rest of the city, outside it, no location) and as squares of a grid counted in
SQL, for a map that stays small in the browser whatever the number of referrals."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection, func, select

from lead_data import sql
from lead_data.access import needs
from lead_data.models import Referral
from lead_data.periods import Period
from lead_data.site import Site
from lead_data.sqlfunctions import date_of, floor_of
from lead_data.zone import locate, place_labels, touch_the_city


@needs("referral_points")
def referral_locations(conn: Connection, *, as_of: date, site: Site, period: Period | None = None) -> pd.DataFrame:
    """Referrals in the period with where they happened against the site's pilot zones.

    Columns: referral_id, referred_on, referral_type, offense, latitude, longitude, location_text,
    location (a place key of ``zone.place_labels``: the zone's key, or outside_zone / location_unknown /
    outside_city). No names.
    """
    statement = (
        select(
            Referral.referral_id,
            date_of(Referral.referred_at).label("referred_on"),
            sql.labelled(Referral.referral_type).label("referral_type"),
            sql.labelled(Referral.offense).label("offense"),
            Referral.latitude,
            Referral.longitude,
            Referral.location_text,
        )
        .where(sql.in_period(Referral.referred_at, period, as_of, timestamp=True))
        .order_by(Referral.referral_id)
    )
    frame = sql.frame(conn, statement)
    frame["latitude"] = pd.to_numeric(frame["latitude"], errors="coerce").astype(float)
    frame["longitude"] = pd.to_numeric(frame["longitude"], errors="coerce").astype(float)
    frame["location"] = locate(site, frame["longitude"].to_numpy(), frame["latitude"].to_numpy())
    return frame


@needs("referral_points")
def referral_places(conn: Connection, *, as_of: date, site: Site, period: Period | None = None) -> pd.DataFrame:
    """The referrals of ``referral_locations`` counted by place and referral type: the same places,
    without fetching what only a drawn point needs.

    Columns: location (a place key of ``zone.place_labels``), referral_type, referrals. Only the
    combinations that occur; ordered by location, then referral_type.
    """
    # Which zone a point lies in takes the zones' polygons, which SQL cannot test on both backends:
    # SQL counts the referrals at each spot, and only the spots' coordinates come back to be placed.
    statement = (
        select(
            sql.labelled(Referral.referral_type).label("referral_type"),
            Referral.latitude,
            Referral.longitude,
            func.count().label("referrals"),
        )
        .where(sql.in_period(Referral.referred_at, period, as_of, timestamp=True))
        .group_by(Referral.referral_type, Referral.latitude, Referral.longitude)
    )
    spots = sql.frame(conn, statement)
    spots["location"] = locate(site, spots["longitude"].to_numpy(), spots["latitude"].to_numpy())
    counts = spots.groupby(["location", "referral_type"], as_index=False)["referrals"].sum()
    return counts.astype({"referrals": int}).sort_values(["location", "referral_type"], ignore_index=True)


# The referral map's squares: about this many metres on a side, on the ground at the city's middle,
# or larger where a wide city would otherwise need more than MAX_GRID_SQUARES_ACROSS of them in a row.
GRID_CELL_METRES = 300.0
MAX_GRID_SQUARES_ACROSS = 80
METRES_PER_DEGREE_OF_LATITUDE = 111_320.0


@dataclass(frozen=True)
class GridCell:
    """One square of the referral grid, in degrees (a degree of longitude is shorter on the ground
    than one of latitude, by the cosine of the latitude), and its side in metres."""

    longitude_step: float
    latitude_step: float
    metres: float


def grid_cell(site: Site, metres: float = GRID_CELL_METRES) -> GridCell:
    """The grid square about ``metres`` on a side at the middle latitude of the site's city, enlarged
    so that at most MAX_GRID_SQUARES_ACROSS of them span the city's bounding box either way."""
    west, south, east, north = site.city.polygon.bounds
    shrink = math.cos(math.radians((south + north) / 2))
    widest = max((east - west) * shrink, north - south) * METRES_PER_DEGREE_OF_LATITUDE
    metres = max(metres, widest / MAX_GRID_SQUARES_ACROSS)
    latitude_step = metres / METRES_PER_DEGREE_OF_LATITUDE
    return GridCell(latitude_step / shrink, latitude_step, metres)


@needs("referral_points")
def referral_grid(
    conn: Connection, *, as_of: date, site: Site, period: Period | None = None, cell_metres: float = GRID_CELL_METRES
) -> pd.DataFrame:
    """The referrals of ``referral_locations`` with coordinates within the bounding box of the site's
    city, counted per square of a grid (``grid_cell(site, cell_metres)``): square (column, row) holds
    the points with floor(longitude / longitude_step) = column and floor(latitude / latitude_step) = row.

    Columns: column, row, west, south, east, north (the square's edges, degrees), referrals. Only
    squares that hold a referral and reach into the city; ordered by row, then column. Coordinates
    beyond the city are recording errors (``referral_locations`` places them outside it): they are in
    no square, except the few just beyond its boundary in a square that reaches into it.
    """
    cell = grid_cell(site, cell_metres)
    west, south, east, north = site.city.polygon.bounds
    column = floor_of(Referral.longitude / cell.longitude_step).label("grid_column")
    row = floor_of(Referral.latitude / cell.latitude_step).label("grid_row")
    statement = (
        select(column, row, func.count().label("referrals"))
        .where(
            sql.in_period(Referral.referred_at, period, as_of, timestamp=True),
            Referral.longitude.between(west, east),
            Referral.latitude.between(south, north),
        )
        .group_by(column, row)
        .order_by(row, column)
    )
    squares = sql.frame(conn, statement).rename(columns={"grid_column": "column", "grid_row": "row"})
    squares = squares.astype({"column": int, "row": int, "referrals": int})
    grid = pd.DataFrame(
        {
            "column": squares["column"],
            "row": squares["row"],
            "west": squares["column"] * cell.longitude_step,
            "south": squares["row"] * cell.latitude_step,
            "east": (squares["column"] + 1) * cell.longitude_step,
            "north": (squares["row"] + 1) * cell.latitude_step,
            "referrals": squares["referrals"],
        }
    )
    edges = (grid[side].to_numpy() for side in ("west", "south", "east", "north"))
    return grid[touch_the_city(site, *edges)].reset_index(drop=True)


def location_counts(locations: pd.DataFrame, site: Site) -> pd.DataFrame:
    """How many referrals fall in each of the site's places, zeros included: from ``referral_locations``
    (one row per referral) or ``referral_places`` (whose ``referrals`` column counts each row's).

    Columns: location, label, referrals.
    """
    labels = place_labels(site)
    weights = locations["referrals"] if "referrals" in locations else pd.Series(1, index=locations.index)
    counts = weights.groupby(locations["location"]).sum().reindex(list(labels), fill_value=0)
    return pd.DataFrame(
        {
            "location": counts.index,
            "label": [labels[key] for key in counts.index],
            "referrals": counts.to_numpy().astype(int),
        }
    )
