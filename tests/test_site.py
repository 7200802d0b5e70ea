"""The site file: loading, validation, and each of its facts reaching the figure that uses it."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from lead_data.figures import quality, referral_places
from lead_data.figures.public_summary import complete_quarters, public_summary
from lead_data.site import (
    DEFAULT_SITE_FILE,
    RETIRED_VARIABLES,
    SITE_VARIABLE,
    UNIT_COST_NAMES,
    QueueDeadlines,
    SiteError,
    UnitCosts,
    load_site,
)
from lead_data.zone import LOCATION_UNKNOWN, OUTSIDE_CITY, OUTSIDE_ZONE, locate, place_labels

REPO = Path(__file__).resolve().parents[1]
SANTA_FE = REPO / "sites" / "santa_fe" / "site.toml"
SANTA_FE_PLAZA = (-105.9378, 35.6870)  # in the example's Plaza zone
SANTA_FE_RAILYARD = (-105.9460, 35.6840)  # in the example's Railyard zone
SANTA_FE_SOUTHSIDE = (-106.0000, 35.6500)  # in the city, in neither zone
LEXINGTON_MARKET = (-76.6216, 39.2915)  # in Baltimore's pilot zone
# Inside Baltimore's bounding box (39.197–39.372 N, 76.529–76.711 W) but south-west of the city's
# diagonal edge: outside the city polygon, which a box test would have missed.
BOX_CORNER_OUTSIDE_BALTIMORE = (-76.7000, 39.2100)

SQUARE = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]


def polygon(corners: list[list[float]], **properties: str) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [corners]}}


def square(west: float, south: float, size: float) -> list[list[float]]:
    return [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]


def write_site(
    folder: Path,
    *,
    boundary: dict | None = None,
    zones: list[dict] | None = None,
    toml: str | None = None,
    time_zone: str = "America/Chicago",
) -> Path:
    """A small valid site in ``folder`` (a 10° square city with one zone), with any part replaced."""
    (folder / "city.geojson").write_text(
        json.dumps(boundary or {"type": "FeatureCollection", "features": [polygon(SQUARE)]})
    )
    features = zones or [polygon(square(1, 1, 2), name="North End", key="north_end")]
    (folder / "zones.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    path = folder / "site.toml"
    path.write_text(
        toml
        or f"""
[program]
name = "LEAD Testville"
launch_date = 2020-03-15

[city]
name = "Testville"
time_zone = "{time_zone}"
boundary = "city.geojson"

[zones]
files = ["zones.geojson"]

[deadlines]
eligibility_days = 3
verification_days = 5
intake_days = 10
window_days = 60

[costs]
placeholder = false
currency = "USD"
source = "Test site budget"
arrest = 1000
booking = 400.5
jail_day = 100
participant_month = 600
"""
    )
    return path


def copy_of_baltimore(folder: Path, edit: Callable[[str], str]) -> Path:
    """Baltimore's site folder copied into ``folder``, its site file's text changed by ``edit``."""
    shutil.copytree(DEFAULT_SITE_FILE.parent, folder, dirs_exist_ok=True)
    path = folder / DEFAULT_SITE_FILE.name
    path.write_text(edit(path.read_text()))
    return path


@pytest.fixture(autouse=True)
def no_site_variables(monkeypatch):
    monkeypatch.delenv(SITE_VARIABLE, raising=False)
    for variable in RETIRED_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


# --- loading ------------------------------------------------------------------------------------


def test_the_default_site_file_is_baltimore_with_every_fact_typed():
    site = load_site()
    assert Path(site.file) == DEFAULT_SITE_FILE
    assert (site.program_name, site.city_name) == ("LEAD", "Baltimore")
    assert [(zone.key, zone.name) for zone in site.zones] == [("pilot_zone", "Pilot zone")]
    assert site.launch_date == date(2017, 2, 1)
    assert site.time_zone == "America/New_York"
    assert site.deadlines == QueueDeadlines(eligibility_days=7, verification_days=14, intake_days=30, window_days=90)
    west, south, east, north = site.city.polygon.bounds
    assert 39.19 <= south < north <= 39.38 and -76.72 <= west < east <= -76.52


def test_lead_site_names_another_site_file(monkeypatch):
    monkeypatch.setenv(SITE_VARIABLE, str(SANTA_FE))
    site = load_site()
    assert (site.program_name, site.city_name, site.launch_date) == ("LEAD (example)", "Santa Fe", date(2014, 5, 1))
    assert [zone.key for zone in site.zones] == ["railyard", "plaza"]
    assert (site.time_zone, site.deadlines.intake_days) == ("America/Denver", 21)
    assert site.costs is None  # the example sets no unit costs: the Outcomes page shows no cost estimate


def test_the_site_is_read_once_and_again_when_its_file_changes(tmp_path):
    path = write_site(tmp_path)
    first = load_site(path)
    assert load_site(path) is first
    path.write_text(path.read_text().replace('name = "Testville"', 'name = "Newtown"'))
    later = first_modified = path.stat().st_mtime_ns
    os.utime(path, ns=(later + 10**9, first_modified + 10**9))  # a coarse clock must still see a change
    assert load_site(path).city_name == "Newtown"


def test_deadlines_and_unit_costs_come_from_the_site_file(tmp_path):
    site = load_site(write_site(tmp_path))
    assert site.deadlines == QueueDeadlines(eligibility_days=3, verification_days=5, intake_days=10, window_days=60)
    costs = site.costs
    assert costs is not None
    assert (costs.arrest, costs.booking, costs.jail_day, costs.participant_month) == (1000, 400.5, 100, 600)
    assert not costs.placeholder
    assert costs.source == f"Test site budget ({site.file})"
    assert costs.describe() == "$1,000 per arrest, $400 per booking, $100 per jail day, $600 per participant-month"


def test_the_shipped_unit_costs_are_marked_as_placeholders():
    costs = load_site().costs
    assert costs is not None and costs.placeholder
    lines = DEFAULT_SITE_FILE.read_text().split("[costs]")[1].strip().splitlines()
    assert all("PLACEHOLDER" in line for line in lines if line.split("=")[0].strip() in UNIT_COST_NAMES)


def test_unit_costs_without_currency_or_source_are_dollars_of_an_unstated_source(tmp_path):
    path = write_site(tmp_path)
    path.write_text(path.read_text().replace('currency = "USD"\n', "").replace('source = "Test site budget"\n', ""))
    costs = load_site(path).costs
    assert isinstance(costs, UnitCosts)
    assert (costs.currency, costs.source) == ("USD", f"not stated ({path})")


# --- validation ---------------------------------------------------------------------------------


def test_a_missing_site_file_says_which_and_how_to_choose_another(tmp_path, monkeypatch):
    monkeypatch.setenv(SITE_VARIABLE, str(tmp_path / "nowhere.toml"))
    with pytest.raises(SiteError, match=rf"site file .*nowhere.toml cannot be read .*set {SITE_VARIABLE}"):
        load_site()


def test_a_site_file_that_is_not_toml_is_reported_as_such(tmp_path):
    path = write_site(tmp_path, toml="[program\nname = 'x'")
    with pytest.raises(SiteError, match="is not valid TOML"):
        load_site(path)


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ("launch_date = 2020-03-15", 'launch_date = "March 2020"', r"program.launch_date must be a date"),
        ('name = "Testville"\n', "", r"city.name must be text"),
        ('time_zone = "America/Chicago"', 'time_zone = "Mars/Olympus"', r"not a known time zone"),
        (
            'boundary = "city.geojson"',
            'boundary = "gone.geojson"',
            r"city.boundary names gone.geojson, but .* not exist",
        ),
        ("intake_days = 10", "intake_days = -3", r"deadlines.intake_days must be a positive whole number"),
        ("window_days = 60\n", "", r"deadlines.window_days must be a whole number"),
        ("verification_days = 5", "verification_days = 12", r"deadlines must not decrease from step to step"),
        ("window_days = 60", "window_days = 9", r"intake_days \(10\) ≤ window_days \(9\)"),
        ("booking = 400.5\n", "", r"costs.booking must be a number of at least 0"),
        ("jail_day = 100", 'jail_day = "cheap"', r"costs.jail_day must be a number"),
        ("arrest = 1000", "arrest = -5", r"costs.arrest must be a number of at least 0"),
        ("placeholder = false", 'placeholder = "no"', r"costs.placeholder must be true or false"),
        ('files = ["zones.geojson"]', "files = []", r"zones.files must be a list of one or more GeoJSON"),
    ],
)
def test_a_wrong_value_names_the_key_to_fix(tmp_path, replace, by, message):
    path = write_site(tmp_path)
    assert replace in path.read_text()
    path.write_text(path.read_text().replace(replace, by))
    with pytest.raises(SiteError, match=message):
        load_site(path)


def test_a_boundary_that_is_not_a_polygon_is_refused(tmp_path):
    line = {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": SQUARE}}
    path = write_site(tmp_path, boundary={"type": "FeatureCollection", "features": [line]})
    with pytest.raises(SiteError, match="holds a LineString, not a Polygon"):
        load_site(path)


def test_a_zone_outside_the_city_is_refused(tmp_path):
    path = write_site(tmp_path, zones=[polygon(square(9, 9, 3), name="Over the line")])
    with pytest.raises(SiteError, match="zone 'Over the line' is not inside Testville's boundary"):
        load_site(path)


def test_overlapping_zones_are_refused(tmp_path):
    path = write_site(tmp_path, zones=[polygon(square(1, 1, 3), name="A"), polygon(square(2, 2, 3), name="B")])
    with pytest.raises(SiteError, match="zones 'A' and 'B' overlap"):
        load_site(path)


def test_a_zone_needs_a_name(tmp_path):
    path = write_site(tmp_path, zones=[polygon(square(1, 1, 2))])
    with pytest.raises(SiteError, match='needs a "name" property'):
        load_site(path)


def test_the_retired_pilot_zone_variable_says_where_the_zone_went(monkeypatch):
    monkeypatch.setenv("LEAD_PILOT_ZONE", "/etc/lead/zone.geojson")
    with pytest.raises(SiteError, match=r"no longer read: list the pilot zone's GeoJSON file in \[zones\] files"):
        load_site()


def test_the_retired_costs_variable_says_where_the_costs_went(monkeypatch):
    monkeypatch.setenv("LEAD_COSTS", "/etc/lead/costs.toml")
    with pytest.raises(SiteError, match=r"LEAD_COSTS is no longer read: put the unit costs in the \[costs\] table"):
        load_site()


# --- each fact reaching its figure ----------------------------------------------------------------


def test_a_santa_fe_point_is_in_its_zone_there_and_outside_baltimore_here():
    longitudes, latitudes = zip(SANTA_FE_PLAZA, SANTA_FE_RAILYARD, SANTA_FE_SOUTHSIDE, (np.nan, np.nan), strict=True)
    santa_fe = locate(load_site(SANTA_FE), np.array(longitudes), np.array(latitudes))
    assert santa_fe.tolist() == ["plaza", "railyard", OUTSIDE_ZONE, LOCATION_UNKNOWN]
    baltimore = locate(load_site(), np.array(longitudes), np.array(latitudes))
    assert baltimore.tolist() == [OUTSIDE_CITY, OUTSIDE_CITY, OUTSIDE_CITY, LOCATION_UNKNOWN]


def test_the_city_is_a_polygon_not_a_box():
    x, y = BOX_CORNER_OUTSIDE_BALTIMORE
    assert locate(load_site(), np.array([x, LEXINGTON_MARKET[0]]), np.array([y, LEXINGTON_MARKET[1]])).tolist() == [
        OUTSIDE_CITY,
        "pilot_zone",
    ]


def test_place_labels_name_each_zone_and_the_city():
    assert place_labels(load_site(SANTA_FE)) == {
        "railyard": "Railyard zone",
        "plaza": "Plaza zone",
        OUTSIDE_ZONE: "Outside every zone",
        LOCATION_UNKNOWN: "Location unknown",
        OUTSIDE_CITY: "Outside Santa Fe",
    }
    assert place_labels(load_site())[OUTSIDE_CITY] == "Outside Baltimore"


def add_referrals(db, places: list[tuple[float, float]], on: date) -> list[int]:
    person = db.participant()
    return [db.referral(person, on, latitude=latitude, longitude=longitude) for longitude, latitude in places]


def test_the_check_flags_coordinates_outside_the_sites_own_city(db, monkeypatch):
    """Two Santa Fe points, one Baltimore point and one in Baltimore's box but outside its polygon."""
    plaza, southside, market, box_corner = add_referrals(
        db, [SANTA_FE_PLAZA, SANTA_FE_SOUTHSIDE, LEXINGTON_MARKET, BOX_CORNER_OUTSIDE_BALTIMORE], date(2024, 6, 1)
    )
    with db.connect() as conn:
        baltimore = quality.check_database(conn, today=date(2024, 7, 1))
        monkeypatch.setenv(SITE_VARIABLE, str(SANTA_FE))
        santa_fe = quality.check_database(conn, today=date(2024, 7, 1))
    assert [(f.check, f.table, f.rows, f.example_ids) for f in baltimore] == [
        (quality.OUTSIDE_CITY, "referrals", 3, (plaza, southside, box_corner))
    ]
    assert "outside Baltimore" in baltimore[0].problem
    assert [(f.check, f.rows, f.example_ids) for f in santa_fe] == [(quality.OUTSIDE_CITY, 2, (market, box_corner))]
    assert "outside Santa Fe" in santa_fe[0].problem


def test_referral_counts_are_per_zone_and_outside_every_zone(db):
    add_referrals(
        db, [SANTA_FE_PLAZA, SANTA_FE_PLAZA, SANTA_FE_RAILYARD, SANTA_FE_SOUTHSIDE, LEXINGTON_MARKET], date(2024, 6, 1)
    )
    site = load_site(SANTA_FE)
    with db.connect() as conn:
        counts = referral_places.location_counts(
            referral_places.referral_locations(conn, as_of=date(2024, 6, 30), site=site), site
        )
    assert dict(zip(counts["label"], counts["referrals"], strict=True)) == {
        "Railyard zone": 1,
        "Plaza zone": 2,
        "Outside every zone": 1,
        "Location unknown": 0,
        "Outside Santa Fe": 1,
    }


def test_the_public_summary_counts_places_per_zone_from_the_sites_launch(db):
    site = load_site(SANTA_FE)
    person = db.participant()
    for day in range(1, 12):  # 11 in the Plaza zone, July 2014: over the smallest shown count
        db.referral(person, date(2014, 7, day), latitude=SANTA_FE_PLAZA[1], longitude=SANTA_FE_PLAZA[0])
    with db.connect() as conn:
        summary = public_summary(conn, as_of=date(2014, 12, 31), site=site)
    # Launched 1 May 2014: the first quarter of 2014 ended before it and is not shown.
    assert [quarter.label for quarter in summary.quarters] == ["2014-Q2", "2014-Q3", "2014-Q4"]
    by_place = summary.referrals_by_place.set_index("quarter")
    assert list(by_place.columns) == ["railyard", "plaza", OUTSIDE_ZONE, LOCATION_UNKNOWN, OUTSIDE_CITY, "Total"]
    assert by_place.loc["2014-Q3"].tolist() == ["0", "11", "0", "0", "0", "11"]


def test_complete_quarters_start_at_the_launch_date():
    assert [q.label for q in complete_quarters(date(2017, 9, 30), date(2017, 2, 1))] == [
        "2017-Q1",
        "2017-Q2",
        "2017-Q3",
    ]
    assert [q.label for q in complete_quarters(date(2017, 9, 30), date(2017, 4, 1))] == ["2017-Q2", "2017-Q3"]


def test_today_is_the_sites_date_not_the_servers(tmp_path):
    """UTC+14 and UTC−12 are 26 hours apart: their dates differ at every moment."""
    (tmp_path / "east").mkdir()
    (tmp_path / "west").mkdir()
    east = load_site(write_site(tmp_path / "east", time_zone="Pacific/Kiritimati"))
    west = load_site(write_site(tmp_path / "west", time_zone="Etc/GMT+12"))
    assert east.today() > west.today()
