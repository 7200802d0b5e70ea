"""The referral map at network size: past MAX_MAP_POINTS points it draws squares of a grid counted in
SQL, what the browser gets stays small, and the zone counts, summary and table by place do not change."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import create_engine, insert

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.figures import referral_places
from lead_data.models import Referral
from lead_data.periods import Period
from lead_data.site import load_site
from tests.apptest import metrics, open_app
from ui import maps

D = date(2024, 6, 30)
PERIOD = Period(date(2024, 1, 1), D)
MAP_PAGE = "pages/referral_map.py"
DECK_LIMIT_BYTES = 2_000_000
# 1,113.2 m is 0.01 degrees of latitude; at Baltimore's middle latitude, (39.1975 + 39.3715) / 2 =
# 39.2845 degrees, a degree of longitude is cos(39.2845°) = 0.77401 as long, so a square is
# 0.01 / 0.77401 = 0.0129197 degrees of longitude wide.
ROUND_CELL_METRES = 1_113.2


@pytest.fixture
def scattered(db):
    """Referrals placed by hand around Baltimore's pilot zone, in and out of the grid."""
    person = db.participant()
    db.referral(person, date(2024, 6, 1), latitude=39.2915, longitude=-76.6216)  # pilot zone
    db.referral(person, date(2024, 6, 2), latitude=39.2930, longitude=-76.6200, referral_type="social_contact")
    db.referral(person, date(2024, 6, 3), latitude=39.3105, longitude=-76.6450)  # outside the zone
    db.referral(person, date(2024, 6, 4))  # no coordinates
    db.referral(person, date(2024, 6, 5), latitude=39.29, longitude=-77.5)  # far beyond the city
    # Beyond the city's south-west edge but within its bounding box: a square of its own, not drawn.
    db.referral(person, date(2024, 6, 6), latitude=39.20, longitude=-76.705)
    db.referral(person, date(2023, 6, 1), latitude=39.2915, longitude=-76.6216)  # before the period
    return db


def test_the_grid_counts_each_referral_in_its_hand_computed_square(scattered):
    with scattered.connect() as conn:
        squares = referral_places.referral_grid(
            conn, as_of=D, site=load_site(), period=PERIOD, cell_metres=ROUND_CELL_METRES
        )
    # -76.6216 / 0.0129197 = -5930.60 and -76.6200 / 0.0129197 = -5930.48: column -5931 (the floor,
    # not -5930, the truncation); 39.2915 / 0.01 = 3929.15 and 39.2930 / 0.01 = 3929.30: row 3929.
    # -76.6450 / 0.0129197 = -5932.41: column -5933; 39.3105 / 0.01 = 3931.05: row 3931.
    assert squares[["column", "row", "referrals"]].values.tolist() == [[-5931, 3929, 2], [-5933, 3931, 1]]
    first = squares.iloc[0]
    assert first["south"] == pytest.approx(39.29) and first["north"] == pytest.approx(39.30)
    assert first["west"] == pytest.approx(-5931 * 0.0129197, abs=1e-4)  # within a hundredth of a square
    assert first["east"] - first["west"] == pytest.approx(0.0129197, abs=1e-6)


def test_the_grid_holds_every_referral_the_map_shows(scattered):
    site = load_site()
    with scattered.connect() as conn:
        squares = referral_places.referral_grid(conn, as_of=D, site=site, period=PERIOD)
        counts = referral_places.location_counts(
            referral_places.referral_places(conn, as_of=D, site=site, period=PERIOD), site
        )
    assert int(squares["referrals"].sum()) == maps.points_on_the_map(counts) == 3


def test_places_count_exactly_what_the_points_count(scattered):
    site = load_site()
    with scattered.connect() as conn:
        places = referral_places.referral_places(conn, as_of=D, site=site, period=PERIOD)
        locations = referral_places.referral_locations(conn, as_of=D, site=site, period=PERIOD)
    assert places.values.tolist() == [
        ["location_unknown", "arrest_diversion", 1],
        ["outside_city", "arrest_diversion", 2],
        ["outside_zone", "arrest_diversion", 1],
        ["pilot_zone", "arrest_diversion", 1],
        ["pilot_zone", "social_contact", 1],
    ]
    assert referral_places.location_counts(places, site).equals(referral_places.location_counts(locations, site))
    assert maps.referrals_by_place(places, site).equals(maps.referrals_by_place(locations, site))


def deck_of(at) -> dict:
    (chart,) = at.get("deck_gl_json_chart")
    return json.loads(chart.proto.json)


GRID_LAYERS = {"referral-squares": "PolygonLayer", "pilot-zone-halo": "PolygonLayer", "pilot-zone": "PolygonLayer"}


def layer_types(deck: dict) -> dict[str, str]:
    return {layer["id"]: layer["@@type"] for layer in deck["layers"]}


def test_past_the_limit_the_map_draws_squares_and_up_to_it_dots(scattered, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, scattered.url)
    monkeypatch.setattr(maps, "MAX_MAP_POINTS", 3)  # the three referrals with plausible coordinates
    at = open_app(MAP_PAGE, as_of=D.isoformat(), period="ytd")
    assert layer_types(deck_of(at)) == {
        "referrals": "ScatterplotLayer",
        "pilot-zone-halo": "PolygonLayer",
        "pilot-zone": "PolygonLayer",
    }
    dots = metrics(at)

    monkeypatch.setattr(maps, "MAX_MAP_POINTS", 2)
    at = open_app(MAP_PAGE, as_of=D.isoformat(), period="ytd")
    assert layer_types(deck_of(at)) == GRID_LAYERS
    assert (
        metrics(at)
        == dots
        == {
            "Pilot zone": "2",
            "Outside the zone": "1",
            "Location unknown": "1",
            "Outside Baltimore": "2",
        }
    )
    assert "Aggregated" in at.get("html")[0].proto.body


def add_referrals_in_bulk(db, count: int, *, seed: int = 7) -> None:
    """``count`` referrals of one participant in the first half of 2024, most spread over Baltimore's
    bounding box, a tenth in its pilot zone, one in fifty without coordinates."""
    person = db.participant()
    rng = np.random.default_rng(seed)
    west, south, east, north = load_site().city.polygon.bounds
    longitudes, latitudes = rng.uniform(west, east, count), rng.uniform(south, north, count)
    in_zone = rng.random(count) < 0.1
    longitudes[in_zone] = rng.uniform(-76.6260, -76.6160, in_zone.sum())
    latitudes[in_zone] = rng.uniform(39.2880, 39.2940, in_zone.sum())
    days = rng.integers(0, 180, count)
    rows = [
        {
            "referral_id": 1_000_000 + number,
            "participant_id": person,
            "referred_at": datetime(2024, 1, 1, 10) + timedelta(days=int(days[number])),
            "referral_type": ("arrest_diversion", "social_contact")[number % 2],
            "offense": "drug",
            "latitude": None if number % 50 == 0 else float(latitudes[number]),
            "longitude": None if number % 50 == 0 else float(longitudes[number]),
            "eligibility": "eligible",
        }
        for number in range(count)
    ]
    writer = create_engine(db.url)
    with writer.begin() as conn:
        conn.execute(insert(Referral), rows)
    writer.dispose()


def test_twenty_thousand_referrals_draw_squares_under_two_megabytes_with_unchanged_counts(db, monkeypatch):
    add_referrals_in_bulk(db, 20_000)
    site = load_site()
    with db.connect() as conn:
        locations = referral_places.referral_locations(conn, as_of=D, site=site, period=PERIOD)
        squares = referral_places.referral_grid(conn, as_of=D, site=site, period=PERIOD)
    point_counts = referral_places.location_counts(locations, site)
    assert maps.points_on_the_map(point_counts) > maps.MAX_MAP_POINTS

    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app(MAP_PAGE, as_of=D.isoformat(), period="ytd")
    chart = at.get("deck_gl_json_chart")[0]
    assert len(chart.proto.json.encode()) < DECK_LIMIT_BYTES
    deck = json.loads(chart.proto.json)
    assert layer_types(deck) == GRID_LAYERS
    (drawn,) = [layer["data"] for layer in deck["layers"] if layer["id"] == "referral-squares"]
    assert len(drawn) == len(squares)
    assert {label: int(value.replace(",", "")) for label, value in metrics(at).items()} == dict(
        zip(point_counts["label"], point_counts["referrals"], strict=True)
    )
    assert at.table[0].value.equals(maps.referrals_by_place(locations, site))
    assert f"{int(squares['referrals'].sum()):,} referrals are counted in squares" in at.get("html")[0].proto.body
