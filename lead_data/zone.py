"""Where a point falls against the site's pilot zones and city boundary (lead_data.site holds both).

Each point gets a place key: the key of the zone it lies in, or one of OUTSIDE_ZONE (in the city,
in no zone), LOCATION_UNKNOWN (no coordinates, or half of them) and OUTSIDE_CITY (beyond the city
boundary: a recording error, not a place).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely

from lead_data.site import Site

OUTSIDE_ZONE = "outside_zone"
LOCATION_UNKNOWN = "location_unknown"
OUTSIDE_CITY = "outside_city"


def place_labels(site: Site) -> dict[str, str]:
    """Every place key of ``site`` with its label, in the order pages show them: the zones first."""
    return {
        **{zone.key: zone.name for zone in site.zones},
        OUTSIDE_ZONE: "Outside the zone" if len(site.zones) == 1 else "Outside every zone",
        LOCATION_UNKNOWN: "Location unknown",
        OUTSIDE_CITY: f"Outside {site.city_name}",  # coordinates beyond the city: a recording error
    }


def locate(site: Site, longitudes: Sequence[Any] | np.ndarray, latitudes: Sequence[Any] | np.ndarray) -> np.ndarray:
    """For each point, its place key (a zone's key, OUTSIDE_ZONE, LOCATION_UNKNOWN or OUTSIDE_CITY).

    A coordinate that is not a number (text, which SQLite or a view may hold) says nowhere: the
    point's location is unknown, never outside the city. ``check`` reports it as a wrong type.
    """
    lon = pd.to_numeric(pd.Series(longitudes, dtype=object), errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(pd.Series(latitudes, dtype=object), errors="coerce").to_numpy(dtype=float)
    known = ~(np.isnan(lon) | np.isnan(lat))
    places = np.full(lon.shape, LOCATION_UNKNOWN, dtype=object)
    in_city = np.zeros(lon.shape, dtype=bool)
    in_city[known] = shapely.intersects_xy(site.city.polygon, lon[known], lat[known])
    places[known & ~in_city] = OUTSIDE_CITY
    places[in_city] = OUTSIDE_ZONE
    for zone in site.zones:  # zones do not overlap (the site loader checks), so the order does not matter
        inside = np.zeros(lon.shape, dtype=bool)
        inside[in_city] = shapely.contains_xy(zone.polygon, lon[in_city], lat[in_city])
        places[inside] = zone.key
    return places


def touch_the_city(site: Site, west: np.ndarray, south: np.ndarray, east: np.ndarray, north: np.ndarray) -> np.ndarray:
    """For each rectangle (edges in degrees), whether any of it lies within the city boundary."""
    return shapely.intersects(site.city.polygon, shapely.box(west, south, east, north))
