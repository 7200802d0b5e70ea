"""Where referrals and arrests happen: points around the pilot zone's hot spots, some elsewhere in
the city, a few unrecorded."""

from __future__ import annotations

import random
from collections.abc import Callable

import shapely

from lead_data.demo.people import Place
from lead_data.demo.tuning import (
    IN_ZONE_JITTER_DEGREES,
    IN_ZONE_PLACES,
    IN_ZONE_SHARE,
    NAMED_LOCATION_SHARE,
    NAMED_LOCATION_WITHOUT_COORDINATES_SHARE,
    OUTSIDE_ZONE_JITTER_DEGREES,
    OUTSIDE_ZONE_PLACES,
    OUTSIDE_ZONE_SHARE,
)
from lead_data.zone import BALTIMORE_BOUNDS


def draw_place(rng: random.Random, zone: shapely.Polygon) -> Place:
    """Mostly around the pilot zone's hot spots, some elsewhere in the city, a few unrecorded."""
    draw = rng.random()
    if draw < IN_ZONE_SHARE:
        return _draw_place_near(rng, IN_ZONE_PLACES, IN_ZONE_JITTER_DEGREES, lambda x, y: _inside(zone, x, y))
    if draw < IN_ZONE_SHARE + OUTSIDE_ZONE_SHARE:
        return _draw_place_near(
            rng,
            OUTSIDE_ZONE_PLACES,
            OUTSIDE_ZONE_JITTER_DEGREES,
            lambda x, y: not _inside(zone, x, y) and _in_baltimore(x, y),
        )
    text = rng.choice(IN_ZONE_PLACES)[0] if rng.random() < NAMED_LOCATION_WITHOUT_COORDINATES_SHARE else None
    return Place(None, None, text)


def _draw_place_near(
    rng: random.Random,
    places: tuple[tuple[str, float, float, int], ...],
    jitter: float,
    acceptable: Callable[[float, float], bool],
) -> Place:
    """A point scattered around a weighted choice of places, redrawn until it is acceptable."""
    text, longitude, latitude, _ = rng.choices(places, [place[3] for place in places])[0]
    while True:
        x = round(rng.gauss(longitude, jitter), 6)
        y = round(rng.gauss(latitude, jitter), 6)
        if acceptable(x, y):
            return Place(x, y, text if rng.random() < NAMED_LOCATION_SHARE else None)


def _inside(zone: shapely.Polygon, longitude: float, latitude: float) -> bool:
    return bool(shapely.contains_xy(zone, longitude, latitude))


def _in_baltimore(longitude: float, latitude: float) -> bool:
    bounds = BALTIMORE_BOUNDS
    return bounds["west"] <= longitude <= bounds["east"] and bounds["south"] <= latitude <= bounds["north"]
