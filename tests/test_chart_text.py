"""Every chart's text alternative: the one-sentence summary and the data table a screen reader reads
instead of the picture (WCAG 1.1.1), made from the figure's own traces; and the map's, by place."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.site import load_site
from lead_data.sql import NOT_RECORDED
from lead_data.zone import LOCATION_UNKNOWN, OUTSIDE_CITY, OUTSIDE_ZONE
from tests.apptest import open_app
from ui.chart_text import ChartSeries, chart_series, chart_summary, chart_table, text_alternative
from ui.charts import (
    caseload_bars,
    category_bars,
    days_bars,
    funnel,
    monthly_bars,
    outcome_share_lines,
    running_total_lines,
    survival_chart,
)
from ui.maps import map_summary, referrals_by_place
from ui.palette import REFERRAL_TYPE_COLOURS

IN_ZONE = "pilot_zone"  # the place key of Baltimore's one zone


def referrals_per_month(rows: list[tuple[date | str, str, int]]) -> ChartSeries:
    frame = pd.DataFrame(rows, columns=["month", "referral_type", "referrals"])
    figure = monthly_bars(
        frame,
        value="referrals",
        colour_by="referral_type",
        colours=REFERRAL_TYPE_COLOURS,
        title="Referrals per month",
        y_title="Referrals",
    )
    return chart_series(figure)


def test_stacked_monthly_bars_are_summarised_by_each_months_total():
    # Dec: 10 + 10 = 20, the highest month though neither type alone reaches June's 15; Jan: 2, the lowest.
    data = referrals_per_month(
        [
            ("2025-12-01", "arrest_diversion", 10),  # as the queries give months: ISO text
            ("2025-12-01", "social_contact", 10),
            ("2026-01-01", "arrest_diversion", 2),
            ("2026-06-01", "social_contact", 15),
        ]
    )
    assert (
        chart_summary(data) == "Referrals per month, Dec 2025 to Jun 2026: highest 20 (Dec 2025), lowest 2 (Jan 2026)."
    )


def test_the_data_table_has_a_row_per_month_a_column_per_type_and_the_total():
    data = referrals_per_month(
        [
            (date(2025, 12, 1), "arrest_diversion", 3),
            (date(2025, 12, 1), "social_contact", 4),
            (date(2026, 1, 1), "arrest_diversion", 2),
        ]
    )
    assert chart_table(data).to_dict("list") == {
        "Month": ["Dec 2025", "Jan 2026"],
        "Arrest diversion": ["3", "2"],
        "Social contact": ["4", ""],  # no bar that month: a blank cell, not a zero the chart never drew
        "Total": ["7", "2"],
    }


def test_categories_are_counted_not_spanned_and_read_largest_and_smallest():
    frame = pd.DataFrame({"offense": ["drug", "prostitution", "other"], "referrals": [120, 30, 3]})
    figure = category_bars(frame, category="offense", value="referrals", title="Referrals by offense", x_title="Refs")
    assert chart_summary(chart_series(figure)) == (
        "Referrals by offense, 3 categories: highest 120 (Drug), lowest 3 (Other)."
    )


def test_the_funnel_reads_from_referred_down():
    stages = pd.DataFrame({"stage": ["referred", "eligible", "enrolled"], "referrals": [10, 6, 3]})
    data = chart_series(funnel(stages))
    assert data.categories == ["Referred", "Eligible", "Enrolled"]
    assert chart_summary(data) == "Eligibility funnel, 3 categories: highest 10 (Referred), lowest 3 (Enrolled)."


def test_caseload_says_over_cap_in_words_in_team_order_and_a_steady_cap_once():
    caseload = pd.DataFrame(
        {
            "team": ["Team 1", "Team 2", "Team 3", "Team 4"],
            "caseload": [30, 20, 12, 5],
            "caseload_cap": [28, 28, 28, 28],
            "over_cap": [True, False, False, False],
            "team_active": [True, True, True, False],
        }
    )
    data = chart_series(caseload_bars(caseload))
    assert chart_summary(data) == (
        "Caseload per team against its cap, 4 categories: Within cap highest 20 (Team 2), lowest 12 (Team 3); "
        "Over cap 30 (Team 1); Inactive team 5 (Team 4); Cap 28 throughout."
    )
    table = chart_table(data).set_index("Team")
    assert table.loc["Team 1", "Over cap"] == "30"
    assert table.loc["Team 1", "Within cap"] == ""


def test_day_bars_are_named_by_their_day_ranges():
    counts = pd.DataFrame({"days": [0, 1, 5, 100], "enrollments": [3, 2, 1, 1]})  # spread to 100: weeks
    data = chart_series(days_bars(counts, count="enrollments", title="Days to intake", y_title="Intakes", median=1))
    assert chart_table(data).to_dict("list") == {
        "Days (bars of 7 days)": ["0–6 days", "98–104 days"],
        "Intakes": ["6", "1"],
    }
    assert chart_summary(data) == (
        "Days to intake, 0–6 days to 98–104 days: highest 6 (0–6 days), lowest 1 (98–104 days)."
    )


def test_shares_read_as_percentages_each_measure_on_its_own():
    by_month = pd.DataFrame(
        {
            "month": [0, 6, 12],
            "housed_share": [0.1, 0.25, 0.5],
            "housed": [1, 2, 4],
            "housed_answered": [10, 8, 8],
            "employed_share": [0.2, 0.2, 0.2],
            "employed": [2, 2, 2],
            "employed_answered": [10, 10, 10],
            "legal_income_share": [None, 0.5, None],
            "legal_income": [0, 1, 0],
            "legal_income_answered": [0, 2, 0],
        }
    )
    summary = chart_summary(chart_series(outcome_share_lines(by_month)))
    assert summary == (
        "Housed, employed, with legal income, by month since referral, 0 to 12: "
        "Housed highest 50% (12), lowest 10% (0); Employed 20% throughout; Legal income 50% (6)."
    )


def test_lines_over_different_spans_are_read_from_the_earliest_month_to_the_latest():
    trained = pd.DataFrame(
        {
            "month": ["2019-03-01", "2020-01-01", "2017-02-01", "2018-06-01"],
            "unit": ["Western", "Western", "Central", "Central"],
            "trained": [1, 2, 10, 12],
        }
    )
    figure = running_total_lines(
        trained, x="month", y="trained", colour_by="unit", title="Trained", y_title="Officers trained"
    )
    assert chart_series(figure).categories == ["Feb 2017", "Jun 2018", "Mar 2019", "Jan 2020"]
    assert chart_summary(chart_series(figure)).startswith("Trained, Feb 2017 to Jan 2020:")


def test_a_confidence_bands_edges_are_not_data():
    curve = pd.DataFrame({"day": [0, 30], "share": [0.0, 0.2], "lower": [0.0, 0.1], "upper": [0.0, 0.3]})
    figure = survival_chart({"participants": (curve, 30)}, title="Re-arrested", x_title="Days", marks={})
    data = chart_series(figure)
    assert list(data.series) == ["LEAD participants"]
    assert chart_summary(data) == "Re-arrested, 0 to 30: highest 20% (30), lowest 0% (0)."


def test_a_chart_with_no_data_says_so():
    empty = ChartSeries(title="Exits per quarter", category_title="Quarter", categories=[], series={})
    assert chart_summary(empty) == "Exits per quarter: no data."


def test_the_map_counts_every_kind_of_place_and_type_zeros_included():
    locations = pd.DataFrame(
        {
            "location": [IN_ZONE, IN_ZONE, IN_ZONE, OUTSIDE_ZONE, LOCATION_UNKNOWN],
            "referral_type": ["arrest_diversion", "arrest_diversion", "social_contact", "social_contact", NOT_RECORDED],
        }
    )
    assert referrals_by_place(locations, load_site()).to_dict("list") == {
        "Place": ["Pilot zone", "Outside the zone", "Location unknown", "Outside Baltimore"],
        "Arrest diversion": [2, 0, 0, 0],
        "Social contact": [1, 1, 0, 0],
        "Not recorded": [0, 0, 1, 0],
        "Total": [3, 1, 1, 0],
    }


def test_the_map_summary_gives_the_total_and_each_place():
    counts = pd.DataFrame(
        {
            "location": [IN_ZONE, OUTSIDE_ZONE, LOCATION_UNKNOWN, OUTSIDE_CITY],
            "label": ["In the pilot zone", "Outside the zone", "Location unknown", "Outside Baltimore"],
            "referrals": [1200, 40, 3, 0],
        }
    )
    assert map_summary(counts, "Western District pilot zone") == (
        "Map of 1,243 referrals against Western District pilot zone: 1,200 in the pilot zone, "
        "40 outside the zone, 3 location unknown, 0 outside Baltimore."
    )


@pytest.fixture
def two_referrals(db, monkeypatch):
    person = db.participant()
    db.referral(person, date(2024, 6, 1), latitude=39.2915, longitude=-76.6216)  # in the pilot zone
    db.referral(person, date(2024, 6, 3))  # no location
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)


def test_a_page_shows_each_charts_summary_and_its_data_behind_show_data(two_referrals):
    at = open_app("pages/enrollment.py", as_of="2024-06-30")
    captions = [caption.value for caption in at.caption]
    assert any(caption.startswith("Referrals per month, by type, Jun 2024: 2 (Jun 2024).") for caption in captions)
    assert [expander.label for expander in at.expander].count("Show data") == len(at.get("plotly_chart"))
    assert len(at.table) >= len(at.get("plotly_chart")) > 0


def test_the_map_page_shows_the_referrals_by_place_beside_the_map(two_referrals):
    at = open_app("pages/referral_map.py", as_of="2024-06-30")
    assert any(caption.value.startswith("Map of 2 referrals against") for caption in at.caption)
    by_place = at.table[0].value
    assert by_place["Total"].tolist() == [1, 0, 1, 0]


def test_a_chart_of_equal_data_is_built_once_and_a_chart_of_other_data_is_not_mistaken_for_it():
    def bars(rows: list[tuple[str, int]]):
        frame = pd.DataFrame(rows, columns=["unit", "referrals"]).astype({"unit": "string"})
        return category_bars(frame, category="unit", value="referrals", title="Referrals by unit", x_title="Referrals")

    first = bars([("Central", 3), ("Western", 5)])
    assert bars([("Central", 3), ("Western", 5)]) is first  # a fresh table with the same cells
    changed = bars([("Central", 3), ("Western", 6)])
    assert changed is not first
    assert chart_series(changed).series == {"Referrals": [3.0, 6.0]}
    assert chart_series(first).series == {"Referrals": [3.0, 5.0]}


def test_a_shared_chart_keeps_the_text_alternative_of_its_first_showing():
    figure = funnel(pd.DataFrame({"stage": ["referred", "eligible"], "referrals": [10, 4]}))
    said = text_alternative(figure)
    assert text_alternative(figure) is said
    data = chart_series(figure)
    assert said.summary == chart_summary(data)
    assert said.table.equals(chart_table(data))
    assert said.title == data.title
