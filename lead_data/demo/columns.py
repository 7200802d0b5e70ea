"""The network demo's tables as numpy columns: drawing them (days, timestamps, weighted picks, places
on the site's zones) and turning them into rows of plain values, chunk by chunk, as they are written.

A key of 0, NaT, NaN, a boolean of -1 or None stand for NULL in a column.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Boolean, Date, DateTime, Float, Integer

from lead_data.demo import places as pilot_places
from lead_data.demo import tuning as pilot
from lead_data.demo.write import BulkTable
from lead_data.models import Base
from lead_data.site import load_site

Columns = dict[str, np.ndarray]
SECONDS_PER_DAY = 86_400
EPOCH = date(1970, 1, 1)
CHUNK_ROWS = 50_000


# --- turning columns into rows --------------------------------------------------------------------


def bulk_table(name: str, columns: Columns) -> BulkTable:
    model = Base.metadata.tables[name]
    count = len(next(iter(columns.values())))

    def chunks() -> Iterator[list[tuple[Any, ...]]]:
        for start in range(0, count, CHUNK_ROWS):
            values = [
                plain_values(model.c[column], array[start : start + CHUNK_ROWS]) for column, array in columns.items()
            ]
            yield list(zip(*values, strict=True))

    return BulkTable(tuple(columns), count, chunks)


def plain_values(column: Any, array: np.ndarray) -> list[Any]:
    """A column's values as write.BulkTable wants them, NULL as None."""
    kind = column.type
    if isinstance(kind, DateTime):
        return [f"{text[:10]} {text[11:]}.000000" for text in np.datetime_as_string(array, unit="s").tolist()]
    if isinstance(kind, Date):
        values = np.datetime_as_string(array, unit="D").astype(object)
        values[np.isnat(array)] = None
    elif isinstance(kind, Boolean):
        values = (array == 1).astype(object)
        values[array < 0] = None
    elif isinstance(kind, Integer) and column.nullable:
        values = array.astype(object)
        values[array == 0] = None
    elif isinstance(kind, Float):
        values = array.astype(object)
        values[np.isnan(array)] = None
    else:
        values = array
    plain: list[Any] = values.tolist()  # numpy types tolist() as Any: it cannot know the dtype
    return plain


# --- drawing ----------------------------------------------------------------------------------------


def day_number(day: date) -> int:
    return (day - EPOCH).days


def dates(days: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """Day numbers as datetime64 days, NaT where not present."""
    dates = days.astype("datetime64[D]")
    if present is not None:
        dates[~present] = np.datetime64("NaT")
    return dates


def timestamps(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    seconds_since_epoch: np.ndarray = days * SECONDS_PER_DAY + seconds
    return seconds_since_epoch.astype("datetime64[s]")


def weights(values: tuple[Any, ...] | list[Any]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    total: float = array.sum()
    return array / total


def pick(rng: np.random.Generator, options: tuple[tuple[Any, int], ...] | dict[Any, int], size: int) -> np.ndarray:
    """Values drawn by weight, as an object array (None stays None)."""
    pairs = list(options.items()) if isinstance(options, dict) else list(options)
    values = np.empty(len(pairs), dtype=object)
    values[:] = [value for value, _ in pairs]
    return values[rng.choice(len(pairs), size=size, p=weights([weight for _, weight in pairs]))]


def coded_text(values: Sequence[str | None], codes: np.ndarray) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    texts: np.ndarray = array[codes]
    return texts


def ids(count: int) -> np.ndarray:
    return np.arange(1, count + 1, dtype=np.int64)


def integers(rng: np.random.Generator, low: int, high: int | np.ndarray, size: int) -> np.ndarray:
    """Whole numbers from low to high, both included (high may differ row by row)."""
    return rng.integers(low, np.asarray(high) + 1, size=size)


def uniform_days_within(
    rng: np.random.Generator, first: np.ndarray, last: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """counts[i] days drawn evenly from first[i] to last[i] (included): (row index, day) for each."""
    owner = np.repeat(np.arange(len(counts)), counts)
    span = (last - first + 1)[owner]
    return owner, first[owner] + np.floor(rng.random(len(owner)) * span).astype(np.int64)


def arrest_paces(rng: np.random.Generator, per_person_year: float, size: int) -> np.ndarray:
    """Each person's arrests per day: per_person_year on average, some far more, many far less."""
    shape = pilot.ARREST_PACE_SHAPE
    return per_person_year * rng.gamma(shape, 1 / shape, size=size) / pilot.DAYS_PER_YEAR


def order(*keys: np.ndarray) -> np.ndarray:
    """Row order sorted by the keys, the first most significant; ties keep their order."""
    return np.lexsort(tuple(key.astype(np.int64) if key.dtype.kind == "M" else key for key in reversed(keys)))


class Places:
    """Points around the pilot places moved onto the site's zones (as places.draw_place does),
    some elsewhere in the city, a few unrecorded."""

    def __init__(self) -> None:
        self.zones = pilot_places.site_zones()
        self.city = load_site().city.polygon
        self.shift = pilot_places.shift_to_site()

    def draw(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(longitude, latitude, location text) for size places; NaN / None where unrecorded."""
        longitude, latitude = np.full(size, np.nan), np.full(size, np.nan)
        text = np.full(size, None, dtype=object)
        draw = rng.random(size)
        in_zone = draw < pilot_places.IN_ZONE_SHARE
        outside = ~in_zone & (draw < pilot_places.IN_ZONE_SHARE + pilot_places.OUTSIDE_ZONE_SHARE)
        for chosen, places, jitter, inside_zone in (
            (in_zone, pilot_places.IN_ZONE_PLACES, pilot_places.IN_ZONE_JITTER_DEGREES, True),
            (outside, pilot_places.OUTSIDE_ZONE_PLACES, pilot_places.OUTSIDE_ZONE_JITTER_DEGREES, False),
        ):
            rows = np.flatnonzero(chosen)
            which = rng.choice(len(places), size=len(rows), p=weights([place[3] for place in places]))
            centre_x = np.array([place[1] for place in places])[which] + self.shift[0]
            centre_y = np.array([place[2] for place in places])[which] + self.shift[1]
            x, y = self._scatter(rng, centre_x, centre_y, jitter, inside_zone)
            longitude[rows], latitude[rows] = x, y
            named = rng.random(len(rows)) < pilot_places.NAMED_LOCATION_SHARE
            text[rows[named]] = coded_text([place[0] for place in places], which[named])
        unrecorded = np.flatnonzero(~in_zone & ~outside)
        named = rng.random(len(unrecorded)) < pilot_places.NAMED_LOCATION_WITHOUT_COORDINATES_SHARE
        in_zone_names = [place[0] for place in pilot_places.IN_ZONE_PLACES]
        text[unrecorded[named]] = coded_text(in_zone_names, rng.integers(0, len(in_zone_names), named.sum()))
        return longitude, latitude, text

    def _scatter(
        self, rng: np.random.Generator, x0: np.ndarray, y0: np.ndarray, jitter: float, inside_zone: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Points scattered around (x0, y0), each redrawn until it is inside the zones (or, for
        inside_zone False, outside every zone and inside the city)."""
        x, y = np.empty(len(x0)), np.empty(len(x0))
        pending = np.arange(len(x0))
        while len(pending):
            px = np.round(rng.normal(x0[pending], jitter), 6)
            py = np.round(rng.normal(y0[pending], jitter), 6)
            in_zone = shapely.contains_xy(self.zones, px, py)
            fits = in_zone if inside_zone else ~in_zone & shapely.intersects_xy(self.city, px, py)
            x[pending[fits]], y[pending[fits]] = px[fits], py[fits]
            pending = pending[~fits]
        return x, y
