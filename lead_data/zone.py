"""The pilot zone: a polygon read from GeoJSON configuration, and where a point falls against it."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon, shape

PILOT_ZONE_VARIABLE = "LEAD_PILOT_ZONE"
DEFAULT_PILOT_ZONE = Path(__file__).with_name("pilot_zone.geojson")

# Baltimore City's extent with a small margin; a point beyond it is a recording error, not a place.
BALTIMORE_BOUNDS = {"west": -76.72, "east": -76.52, "south": 39.19, "north": 39.38}

IN_ZONE = "in_zone"
OUTSIDE_ZONE = "outside_zone"
LOCATION_UNKNOWN = "location_unknown"
OUTSIDE_BALTIMORE = "outside_baltimore"
LOCATION_LABELS = {
    IN_ZONE: "In the pilot zone",
    OUTSIDE_ZONE: "Outside the zone",
    LOCATION_UNKNOWN: "Location unknown",
    OUTSIDE_BALTIMORE: "Outside Baltimore",  # coordinates beyond the city: a recording error
}


@dataclass(frozen=True)
class PilotZone:
    """A named polygon; plain coordinates, so it can key a cache."""

    name: str
    corners: tuple[tuple[float, float], ...]  # (longitude, latitude), exterior ring

    @cached_property
    def polygon(self) -> Polygon:
        return Polygon(self.corners)

    @property
    def outline(self) -> list[list[float]]:
        """The exterior ring as [longitude, latitude] pairs, closed."""
        return [[x, y] for x, y in self.polygon.exterior.coords]


def pilot_zone_path() -> Path:
    return Path(os.environ.get(PILOT_ZONE_VARIABLE, DEFAULT_PILOT_ZONE))


def load_pilot_zone(path: Path | None = None) -> PilotZone:
    """The first polygon feature of a GeoJSON file (default: the Baltimore pilot zone)."""
    path = path or pilot_zone_path()
    document = json.loads(Path(path).read_text())
    features = document["features"] if document.get("type") == "FeatureCollection" else [document]
    for feature in features:
        geometry = shape(feature["geometry"])
        if isinstance(geometry, Polygon):
            name = feature.get("properties", {}).get("name", "Pilot zone")
            return PilotZone(name, tuple((x, y) for x, y in geometry.exterior.coords))
    raise ValueError(f"{path} holds no Polygon feature")


def locate(
    zone: PilotZone, longitudes: Sequence[Any] | np.ndarray, latitudes: Sequence[Any] | np.ndarray
) -> np.ndarray:
    """For each point, one of IN_ZONE, OUTSIDE_ZONE, LOCATION_UNKNOWN or OUTSIDE_BALTIMORE.

    A coordinate that is not a number (text, which SQLite or a view may hold) says nowhere: the
    point's location is unknown, never outside Baltimore. ``check`` reports it as a wrong type.
    """
    lon = pd.to_numeric(pd.Series(longitudes, dtype=object), errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(pd.Series(latitudes, dtype=object), errors="coerce").to_numpy(dtype=float)
    unknown = np.isnan(lon) | np.isnan(lat)
    in_baltimore = (
        (lon >= BALTIMORE_BOUNDS["west"])
        & (lon <= BALTIMORE_BOUNDS["east"])
        & (lat >= BALTIMORE_BOUNDS["south"])
        & (lat <= BALTIMORE_BOUNDS["north"])
    )
    inside = np.zeros(lon.shape, dtype=bool)
    known = ~unknown
    inside[known] = shapely.contains_xy(zone.polygon, lon[known], lat[known])
    return np.select(
        [unknown, ~in_baltimore, inside],
        [LOCATION_UNKNOWN, OUTSIDE_BALTIMORE, IN_ZONE],
        default=OUTSIDE_ZONE,
    )
