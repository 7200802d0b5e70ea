"""The dashboard on another site: the example Santa Fe site's demo database, and every page on it."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from lead_data.db import DATABASE_URL_VARIABLE, DEMO_DATABASE_VARIABLE
from lead_data.demo import write_demo
from lead_data.figures.quality import check_url
from lead_data.periods import DEFAULT_PERIOD, period_ending
from lead_data.site import SITE_VARIABLE, load_site
from lead_data.zone import LOCATION_UNKNOWN, OUTSIDE_CITY, OUTSIDE_ZONE, locate
from tests.apptest import metrics, open_app
from tests.test_app import PAGES
from ui.tabs import TAB_PARAMETER

SANTA_FE = Path(__file__).resolve().parents[1] / "sites" / "santa_fe" / "site.toml"
AS_OF = date(2019, 6, 30)  # two and a half years of demo data: enough for every figure, quick to draw
ALL_PAGES = (*PAGES, "pages/outcomes.py")


@pytest.fixture(scope="module")
def santa_fe_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("santa_fe") / "demo.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SITE_VARIABLE, str(SANTA_FE))
        write_demo(path, as_of=AS_OF)
    return path


@pytest.fixture
def on_santa_fe(santa_fe_demo, monkeypatch) -> Path:
    monkeypatch.setenv(SITE_VARIABLE, str(SANTA_FE))
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)
    monkeypatch.setenv(DEMO_DATABASE_VARIABLE, str(santa_fe_demo))
    return santa_fe_demo


def places(path: Path, table: str, since: date = date.min) -> Counter:
    """Where the table's points lie against the Santa Fe site's places (worked out here, with shapely)."""
    dated = {"referrals": "referred_at", "arrests": "arrested_at"}[table]
    with sqlite3.connect(path) as conn:
        points = conn.execute(
            f"SELECT longitude, latitude FROM {table} WHERE date({dated}) BETWEEN ? AND ?",  # noqa: S608
            (since.isoformat(), AS_OF.isoformat()),
        ).fetchall()
    longitudes = np.array([np.nan if x is None else x for x, _ in points])
    latitudes = np.array([np.nan if y is None else y for _, y in points])
    return Counter(locate(load_site(SANTA_FE), longitudes, latitudes).tolist())


@pytest.mark.parametrize("table", ["referrals", "arrests"])
def test_the_demo_draws_points_in_and_around_the_sites_own_zones(santa_fe_demo, table):
    found = places(santa_fe_demo, table)
    total = sum(found.values())
    assert set(found) <= {"railyard", "plaza", OUTSIDE_ZONE, LOCATION_UNKNOWN}, found  # none outside Santa Fe
    assert found["railyard"] > 0.2 * total and found["plaza"] > 0.2 * total, found
    assert found[OUTSIDE_ZONE] > 0, found


def test_the_check_finds_nothing_wrong_with_the_sites_demo(on_santa_fe):
    assert check_url(f"sqlite:///{on_santa_fe}", today=AS_OF) == []


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_renders_on_the_example_site(on_santa_fe, page):
    at = open_app(page, user=None, as_of=AS_OF.isoformat())
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"
    for label in [tab.label for tab in at.tabs][1:]:  # a page's tabs are drawn only when open (ui/tabs.py)
        at.query_params[TAB_PARAMETER] = label
        at.run()
        assert not at.exception and not at.error, (label, [e.value for e in at.error])


def test_the_date_picker_starts_at_the_sites_launch(on_santa_fe):
    at = open_app(user=None, as_of=AS_OF.isoformat())
    picker = at.sidebar.date_input(key="as_of")
    assert (picker.min, picker.value) == (date(2014, 5, 1), AS_OF)


def test_the_referral_map_counts_each_of_the_sites_zones(on_santa_fe):
    at = open_app("pages/referral_map.py", user=None, as_of=AS_OF.isoformat())
    shown = metrics(at)
    assert list(shown) == ["Railyard zone", "Plaza zone", "Outside every zone", "Location unknown", "Outside Santa Fe"]
    found = places(on_santa_fe, "referrals", since=period_ending(AS_OF, DEFAULT_PERIOD).start)
    assert shown == {
        "Railyard zone": str(found["railyard"]),
        "Plaza zone": str(found["plaza"]),
        "Outside every zone": str(found[OUTSIDE_ZONE]),
        "Location unknown": str(found[LOCATION_UNKNOWN]),
        "Outside Santa Fe": "0",
    }
    assert "Railyard zone, Plaza zone" in at.caption[0].value


def test_the_public_summary_names_the_program_city_and_launch_year(on_santa_fe):
    at = open_app("pages/public_summary.py", user=None, as_of=AS_OF.isoformat())
    assert at.title[0].value == "LEAD (example) in Santa Fe"
    assert "People enrolled since 2014" in metrics(at)
    by_place = at.dataframe[1].value
    assert list(by_place.columns) == [
        "quarter",
        "railyard",
        "plaza",
        OUTSIDE_ZONE,
        LOCATION_UNKNOWN,
        OUTSIDE_CITY,
        "Total",
    ]


def test_a_bad_site_file_stops_the_page_with_what_to_fix_and_is_logged(on_santa_fe, tmp_path, monkeypatch, caplog):
    broken = tmp_path / "site.toml"
    broken.write_text("[program\n")
    monkeypatch.setenv(SITE_VARIABLE, str(broken))
    at = open_app("pages/referral_map.py", user=None, as_of=AS_OF.isoformat())
    assert "site configuration cannot be used" in at.error[0].value
    assert "is not valid TOML" in at.error[0].value
    assert not at.metric
    assert any("is not valid TOML" in record.getMessage() for record in caplog.records if record.levelname == "ERROR")
