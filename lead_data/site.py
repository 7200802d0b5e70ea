"""The site: every fact that makes this dashboard one LEAD program's rather than another's.

One folder per site under ``sites/`` holds them: its ``site.toml`` (``LEAD_SITE`` names it; default
``sites/baltimore/site.toml``) and the GeoJSON files it names. The site file sets the program's and the
city's names, the city boundary and the pilot zones, the launch date, the time zone in which "today" is
reckoned, the referral queue's deadlines and the unit costs of the cost estimate. Everything is checked
when the file loads (a SiteError says which key to fix); everything else reads them from ``load_site()``.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shapely.geometry import MultiPolygon, Polygon, shape

SITE_VARIABLE = "LEAD_SITE"
DEFAULT_SITE_FILE = Path(__file__).resolve().parents[1] / "sites" / "baltimore" / "site.toml"
# Variables the site file replaced, with where their setting went: still set, each is an error rather
# than silently ignored.
RETIRED_VARIABLES = {
    "LEAD_PILOT_ZONE": "list the pilot zone's GeoJSON file in [zones] files of the site file",
    "LEAD_COSTS": "put the unit costs in the [costs] table of the site file",
}

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) corners, closed


class SiteError(ValueError):
    """The site file cannot be used; the message says which file and what to fix."""


@dataclass(frozen=True)
class Area:
    """A named polygon (the city, or one pilot zone); plain coordinates, so it can key a cache."""

    key: str  # how figures name it: a zone's place key, e.g. "pilot_zone"
    name: str  # how pages name it
    exterior: Ring
    holes: tuple[Ring, ...] = ()

    @cached_property
    def polygon(self) -> Polygon:
        return Polygon(self.exterior, self.holes)

    @property
    def outline(self) -> list[list[float]]:
        """The exterior ring as [longitude, latitude] pairs, closed."""
        return [[x, y] for x, y in self.exterior]

    @property
    def rings(self) -> tuple[Ring, ...]:
        """Every ring, holes included: a point is inside when a ray from it crosses them an odd number of times."""
        return (self.exterior, *self.holes)


@dataclass(frozen=True)
class QueueDeadlines:
    """Days after the referral by which each step of the referral queue should be done, and how long
    the queue looks back (``[deadlines]``); they do not decrease from step to step."""

    eligibility_days: int  # from referral to the eligibility decision
    verification_days: int  # from referral to the State's Attorney's verification
    intake_days: int  # from referral to intake
    window_days: int  # a referral with no intake by then has left the queue


UNIT_COST_NAMES = ("arrest", "booking", "jail_day", "participant_month")


@dataclass(frozen=True)
class UnitCosts:
    """The cost estimate's unit costs (``[costs]``); every cost figure is shown beside them."""

    arrest: float
    booking: float
    jail_day: float
    participant_month: float
    currency: str
    placeholder: bool  # true: the shipped placeholders, not a site's own costs
    source: str  # where the numbers come from, in the file's own words, and the file

    def describe(self) -> str:
        """The unit costs in one line, as printed beside every cost figure."""
        money = self.money
        return (
            f"{money(self.arrest)} per arrest, {money(self.booking)} per booking, {money(self.jail_day)} per jail day, "
            f"{money(self.participant_month)} per participant-month"
        )

    def money(self, amount: float) -> str:
        sign = "-" if amount < 0 else ""
        symbol = "$" if self.currency == "USD" else f"{self.currency} "
        return f"{sign}{symbol}{abs(amount):,.0f}"


@dataclass(frozen=True)
class Site:
    file: str
    program_name: str  # "LEAD"
    city: Area  # its name is the city's name ("Baltimore")
    zones: tuple[Area, ...]  # at least one; they do not overlap
    launch_date: date
    time_zone: str  # IANA name, e.g. "America/New_York"
    deadlines: QueueDeadlines
    costs: UnitCosts | None  # None: the site file sets no unit costs, and no cost figure is shown

    @property
    def city_name(self) -> str:
        return self.city.name

    def today(self) -> date:
        """Today's date in the site's time zone (the server may run on UTC)."""
        return datetime.now(ZoneInfo(self.time_zone)).date()

    def zone(self, key: str) -> Area:
        return next(zone for zone in self.zones if zone.key == key)


def site_path() -> Path:
    return Path(os.environ.get(SITE_VARIABLE) or DEFAULT_SITE_FILE)


def load_site(path: Path | str | None = None) -> Site:
    """The site of ``path`` (default: ``LEAD_SITE``, else Baltimore's), read again only when the file changes."""
    for variable, instead in RETIRED_VARIABLES.items():
        if os.environ.get(variable):
            raise SiteError(
                f"{variable} is no longer read: {instead} ({SITE_VARIABLE}, default "
                f"{DEFAULT_SITE_FILE.relative_to(DEFAULT_SITE_FILE.parents[2])}) and unset it"
            )
    path = Path(path) if path is not None else site_path()
    try:
        modified = path.stat().st_mtime_ns
    except OSError as error:
        raise SiteError(
            f"site file {path} cannot be read ({error.strerror}); set {SITE_VARIABLE} to the path of "
            "your site's TOML file"
        ) from error
    return _load_site(str(path.resolve()), modified)


@lru_cache(maxsize=8)
def _load_site(path_text: str, modified_ns: int) -> Site:
    path = Path(path_text)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SiteError(f"site file {path} cannot be read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise SiteError(f"site file {path} is not valid TOML: {error}") from error
    read = _Reader(path, document)
    city_name = read.text("city", "name")
    city = _boundary(path, read.file("city", "boundary"), city_name)
    zones = tuple(zone for file in read.files("zones", "files") for zone in _zones(path, file))
    _check_zones(path, city, zones)
    time_zone = read.text("city", "time_zone")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SiteError(f"site file {path}: city.time_zone {time_zone!r} is not a known time zone") from error
    return Site(
        file=path_text,
        program_name=read.text("program", "name"),
        city=city,
        zones=zones,
        launch_date=read.day("program", "launch_date"),
        time_zone=time_zone,
        deadlines=_deadlines(read),
        costs=_unit_costs(read) if "costs" in document else None,
    )


def _deadlines(read: _Reader) -> QueueDeadlines:
    deadlines = QueueDeadlines(
        **{setting.name: read.positive("deadlines", setting.name) for setting in fields(QueueDeadlines)}
    )
    if not deadlines.eligibility_days <= deadlines.verification_days <= deadlines.intake_days <= deadlines.window_days:
        raise SiteError(
            f"site file {read.path}: the referral queue's deadlines must not decrease from step to step: "
            f"eligibility_days ({deadlines.eligibility_days}) ≤ verification_days ({deadlines.verification_days}) "
            f"≤ intake_days ({deadlines.intake_days}) ≤ window_days ({deadlines.window_days})"
        )
    return deadlines


def _unit_costs(read: _Reader) -> UnitCosts:
    table = read.table("costs")
    return UnitCosts(
        **{name: read.amount("costs", name) for name in UNIT_COST_NAMES},
        currency=read.text("costs", "currency") if "currency" in table else "USD",
        placeholder=read.flag("costs", "placeholder") if "placeholder" in table else True,
        source=f"{read.text('costs', 'source') if 'source' in table else 'not stated'} ({read.path})",
    )


class _Reader:
    """Typed look-ups in the parsed site file, each failing with the file and the key to fix."""

    def __init__(self, path: Path, document: dict[str, Any]) -> None:
        self.path, self.document = path, document

    def _fail(self, key: str, expected: str) -> SiteError:
        return SiteError(f"site file {self.path}: {key} must be {expected}")

    def table(self, name: str) -> dict[str, Any]:
        found = self.document.get(name)
        if not isinstance(found, dict):
            raise self._fail(f"[{name}]", "a table")
        return found

    def _value(self, table: str, key: str, kind: type | tuple[type, ...], expected: str) -> Any:
        value = self.table(table).get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise self._fail(f"{table}.{key}", expected)
        return value

    def text(self, table: str, key: str) -> str:
        value: str = self._value(table, key, str, "text")
        if not value.strip():
            raise self._fail(f"{table}.{key}", "text")
        return value

    def day(self, table: str, key: str) -> date:
        value: date = self._value(table, key, date, "a date (e.g. 2017-02-01, unquoted)")
        if isinstance(value, datetime):
            raise self._fail(f"{table}.{key}", "a date without a time")
        return value

    def positive(self, table: str, key: str) -> int:
        value: int = self._value(table, key, int, "a whole number")
        if value <= 0:
            raise self._fail(f"{table}.{key}", "a positive whole number")
        return value

    def flag(self, table: str, key: str) -> bool:
        value = self.table(table).get(key)
        if not isinstance(value, bool):
            raise self._fail(f"{table}.{key}", "true or false")
        return value

    def amount(self, table: str, key: str) -> float:
        value = self._value(table, key, (int, float), "a number of at least 0")
        if value < 0:
            raise self._fail(f"{table}.{key}", "a number of at least 0")
        return float(value)

    def file(self, table: str, key: str) -> Path:
        return self._existing(self._value(table, key, str, "a file path"), f"{table}.{key}")

    def files(self, table: str, key: str) -> list[Path]:
        value = self.table(table).get(key)
        if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
            raise self._fail(f"{table}.{key}", "a list of one or more GeoJSON file paths")
        return [self._existing(item, f"{table}.{key}") for item in value]

    def _existing(self, text: str, key: str) -> Path:
        """A path relative to the site file's folder, which must exist."""
        found = (self.path.parent / text).resolve()
        if not found.is_file():
            raise SiteError(f"site file {self.path}: {key} names {text}, but {found} does not exist")
        return found


def _features(site_file: Path, path: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SiteError(f"site file {site_file}: {path} is not readable GeoJSON ({error})") from error
    if not isinstance(document, dict):
        raise SiteError(f"site file {site_file}: {path} is not a GeoJSON object")
    return document.get("features", []) if document.get("type") == "FeatureCollection" else [document]


def _polygon(site_file: Path, path: Path, feature: dict[str, Any]) -> Polygon:
    try:
        geometry = shape(feature.get("geometry") or feature)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise SiteError(f"site file {site_file}: {path} holds a feature that is not GeoJSON geometry") from error
    if isinstance(geometry, MultiPolygon) and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]
    if not isinstance(geometry, Polygon):
        raise SiteError(f"site file {site_file}: {path} holds a {geometry.geom_type}, not a Polygon")
    if geometry.is_empty or not geometry.is_valid:
        raise SiteError(f"site file {site_file}: {path} holds a polygon that crosses itself or is empty")
    return geometry


def _area(key: str, name: str, polygon: Polygon) -> Area:
    return Area(
        key=key,
        name=name,
        exterior=tuple((x, y) for x, y, *_ in polygon.exterior.coords),
        holes=tuple(tuple((x, y) for x, y, *_ in ring.coords) for ring in polygon.interiors),
    )


def _boundary(site_file: Path, path: Path, city_name: str) -> Area:
    features = _features(site_file, path)
    if len(features) != 1:
        raise SiteError(f"site file {site_file}: the city boundary {path} must hold exactly one Polygon")
    return _area("city", city_name, _polygon(site_file, path, features[0]))


def _zones(site_file: Path, path: Path) -> list[Area]:
    """One zone per feature, named by its ``name`` property and keyed by ``key`` (default: the name, slugged)."""
    zones = []
    for feature in _features(site_file, path):
        properties = feature.get("properties") or {}
        name = properties.get("name")
        if not isinstance(name, str) or not name.strip():
            raise SiteError(f'site file {site_file}: every zone in {path} needs a "name" property')
        key = properties.get("key") or re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        zones.append(_area(key, name, _polygon(site_file, path, feature)))
    if not zones:
        raise SiteError(f"site file {site_file}: {path} holds no zone")
    return zones


# Place keys that are not zones (zone.py classifies by them); a zone may not take one.
RESERVED_PLACE_KEYS = frozenset({"outside_zone", "location_unknown", "outside_city"})


def _check_zones(site_file: Path, city: Area, zones: tuple[Area, ...]) -> None:
    keys = [zone.key for zone in zones]
    for key in keys:
        if keys.count(key) > 1 or key in RESERVED_PLACE_KEYS:
            raise SiteError(f"site file {site_file}: zone key {key!r} is used twice or reserved; give each its own")
    for zone in zones:
        if not city.polygon.contains(zone.polygon):
            raise SiteError(f"site file {site_file}: zone {zone.name!r} is not inside {city.name}'s boundary")
    for index, zone in enumerate(zones):
        for other in zones[index + 1 :]:
            if zone.polygon.intersection(other.polygon).area > 0:
                raise SiteError(f"site file {site_file}: zones {zone.name!r} and {other.name!r} overlap")
