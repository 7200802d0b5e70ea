"""Where referrals and arrests happen: points around the pilot zone's hot spots, some elsewhere in
the city, a few unrecorded. The places and their shares live here, beside ``draw_place``, the one
function that draws a point."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import shapely

from lead_data.demo.people import Place
from lead_data.site import DEFAULT_SITE_FILE, load_site

# Places: (location text, longitude, latitude, weight). The pilot-zone ones cluster around
# Lexington Market, the University of Maryland, Baltimore campus and the west-side corridors.
# Another site's demo moves them all onto its own zones (shift_to_site).
PLACES_DRAWN_AROUND = DEFAULT_SITE_FILE  # Baltimore's site: the places lie around its pilot zone
IN_ZONE_PLACES = (
    ("N Eutaw St & W Lexington St", -76.6206, 39.2918, 10),
    ("N Paca St & W Lexington St", -76.6229, 39.2916, 8),
    ("N Howard St & W Lexington St", -76.6188, 39.2919, 6),
    ("N Eutaw St & W Saratoga St", -76.6207, 39.2929, 5),
    ("N Howard St & W Saratoga St", -76.6189, 39.2930, 4),
    ("W Fayette St & N Eutaw St", -76.6206, 39.2905, 4),
    ("W Baltimore St & N Eutaw St", -76.6205, 39.2893, 5),
    ("W Baltimore St & N Paca St", -76.6228, 39.2892, 4),
    ("W Baltimore St & N Greene St", -76.6245, 39.2891, 4),
    ("W Lombard St & S Greene St", -76.6248, 39.2880, 4),
    ("W Fayette St & N Greene St", -76.6247, 39.2903, 3),
    ("W Saratoga St & N Greene St", -76.6250, 39.2928, 2),
    ("N Howard St & W Baltimore St", -76.6190, 39.2893, 3),
    ("W Lexington St & N Liberty St", -76.6172, 39.2920, 2),
    ("W Mulberry St & N Howard St", -76.6190, 39.2941, 2),
)
OUTSIDE_ZONE_PLACES = (
    ("Pennsylvania Ave & W Lafayette Ave", -76.6400, 39.3005, 4),
    ("N Fulton Ave & W Baltimore St", -76.6455, 39.2885, 3),
    ("E Fayette St & N Gay St", -76.6045, 39.2915, 3),
    ("E Baltimore St & N Central Ave", -76.6000, 39.2910, 2),
    ("Washington Blvd & S Carey St", -76.6390, 39.2835, 2),
    ("N Charles St & E North Ave", -76.6165, 39.3115, 2),
    ("W Franklin St & N Fremont Ave", -76.6335, 39.2960, 2),
)
IN_ZONE_SHARE = 0.82
OUTSIDE_ZONE_SHARE = 0.13  # the rest have no coordinates
IN_ZONE_JITTER_DEGREES = 0.0004
OUTSIDE_ZONE_JITTER_DEGREES = 0.0015
NAMED_LOCATION_SHARE = 0.9
NAMED_LOCATION_WITHOUT_COORDINATES_SHARE = 0.5


def draw_place(rng: random.Random, zone: shapely.Geometry) -> Place:
    """Mostly around the pilot zone's hot spots, some elsewhere in the city, a few unrecorded."""
    draw = rng.random()
    if draw < IN_ZONE_SHARE:
        return _draw_place_near(rng, IN_ZONE_PLACES, IN_ZONE_JITTER_DEGREES, lambda x, y: _inside(zone, x, y))
    if draw < IN_ZONE_SHARE + OUTSIDE_ZONE_SHARE:
        return _draw_place_near(
            rng,
            OUTSIDE_ZONE_PLACES,
            OUTSIDE_ZONE_JITTER_DEGREES,
            lambda x, y: not _inside(zone, x, y) and _in_city(x, y),
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
    longitude, latitude = (a + b for a, b in zip((longitude, latitude), shift_to_site(), strict=True))
    while True:
        x = round(rng.gauss(longitude, jitter), 6)
        y = round(rng.gauss(latitude, jitter), 6)
        if acceptable(x, y):
            return Place(x, y, text if rng.random() < NAMED_LOCATION_SHARE else None)


def _inside(zone: shapely.Geometry, longitude: float, latitude: float) -> bool:
    return bool(shapely.contains_xy(zone, longitude, latitude))


def _in_city(longitude: float, latitude: float) -> bool:
    return bool(shapely.intersects_xy(load_site().city.polygon, longitude, latitude))


def site_zones(site_file: Path | None = None) -> shapely.MultiPolygon:
    """The pilot zones of ``site_file`` (default: the configured site's, lead_data.site), as one shape."""
    return shapely.MultiPolygon([zone.polygon for zone in load_site(site_file).zones])


@lru_cache(maxsize=1)
def _centre_of_places() -> tuple[float, float]:
    west, south, east, north = site_zones(PLACES_DRAWN_AROUND).bounds
    return (west + east) / 2, (south + north) / 2


def shift_to_site() -> tuple[float, float]:
    """How far the places move so they lie on the site's zones as they lie on Baltimore's pilot zone
    (the centre of one's extent onto the other's): nothing for Baltimore."""
    west, south, east, north = site_zones().bounds
    x, y = _centre_of_places()
    return (west + east) / 2 - x, (south + north) / 2 - y
