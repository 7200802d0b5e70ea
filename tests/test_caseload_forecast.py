"""The caseload forecast: each pair's pace over the last 90 days, when it reaches its cap, and the
next-intake suggestion that looks four weeks ahead at that pace.

D = 30 June 2024; the 90 days ending D run from 2 April to 30 June 2024.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.figures.caseload import (
    FORECAST_SENTENCES_SHOWN,
    caseload_forecast,
    forecast_sentence,
    nearest_cap_first,
    next_intake_team,
)
from tests.apptest import STAFF_USER, open_app

D = date(2024, 6, 30)
LONG_AGO = date(2024, 1, 1)
FIRST_DAY, DAY_BEFORE = date(2024, 4, 2), date(2024, 4, 1)  # the window's first day, and the day before it


def clients(db, team: int, count: int, *, intake_on: date = LONG_AGO, exited_on: date | None = None) -> None:
    for _ in range(count):
        db.enroll(db.participant(), intake_on=intake_on, team_id=team, exited_on=exited_on)


def forecast_of(db, as_of: date = D):
    with db.connect() as conn:
        return caseload_forecast(conn, as_of=as_of).set_index("team")


def test_a_pair_one_short_of_its_cap_reaches_it_in_about_nine_days_at_the_current_pace(db):
    team = db.team("Team 3", cap=28)
    clients(db, team, 16)
    clients(db, team, 1, intake_on=DAY_BEFORE)  # 91 days before D: not in the pace
    clients(db, team, 9, intake_on=date(2024, 5, 1))
    clients(db, team, 1, intake_on=FIRST_DAY)
    clients(db, team, 10, intake_on=date(2024, 4, 10), exited_on=date(2024, 6, 1))  # in and out in the window
    row = forecast_of(db).loc["Team 3"]
    assert row[["caseload", "caseload_cap", "intakes", "exits", "days_to_cap"]].tolist() == [27, 28, 20, 10, 9]
    assert row["intakes_per_week"] == pytest.approx(20 * 7 / 90)
    assert row["exits_per_week"] == pytest.approx(10 * 7 / 90)
    assert row["reaches_cap_on"] == date(2024, 7, 9)
    assert (
        forecast_sentence(forecast_of(db).reset_index().iloc[0]) == "Team 3: 27 of 28, about 9 days at the current pace"
    )


def test_when_exits_outrun_intakes_the_cap_is_not_reached_at_the_current_pace(db):
    team = db.team("Team A", cap=10)
    clients(db, team, 5)
    clients(db, team, 1, intake_on=date(2024, 6, 1))
    clients(db, team, 3, exited_on=date(2024, 5, 15))
    row = forecast_of(db).reset_index().iloc[0]
    assert row[["caseload", "intakes", "exits"]].tolist() == [6, 1, 3]
    assert pd.isna(row["days_to_cap"])
    assert row["reaches_cap_on"] is None
    assert forecast_sentence(row) == "Team A: 6 of 10, not at the current pace"


def test_a_pair_exactly_at_its_cap_is_there_now_and_one_over_is_over_it(db):
    full, over = db.team("Team A", cap=2), db.team("Team B", cap=1)
    clients(db, full, 2)
    clients(db, over, 2)
    forecast = forecast_of(db)
    assert forecast.loc["Team A", "days_to_cap"] == 0 and forecast.loc["Team B", "days_to_cap"] == 0
    assert forecast.loc["Team A", "reaches_cap_on"] == D
    rows = forecast.reset_index()
    assert [forecast_sentence(row) for _, row in rows.iterrows()] == [
        "Team A: 2 of 2, at its cap now",
        "Team B: 2 of 1, over its cap now",
    ]


def test_a_team_with_no_intakes_in_90_days_has_no_pace_and_does_not_reach_its_cap(db):
    quiet = db.team("Team A")
    db.team("Team B")  # no clients at all
    clients(db, quiet, 5, intake_on=DAY_BEFORE)
    forecast = forecast_of(db)
    assert forecast[["caseload", "intakes", "exits", "intakes_per_week", "exits_per_week"]].to_dict("index") == {
        "Team A": {"caseload": 5, "intakes": 0, "exits": 0, "intakes_per_week": 0.0, "exits_per_week": 0.0},
        "Team B": {"caseload": 0, "intakes": 0, "exits": 0, "intakes_per_week": 0.0, "exits_per_week": 0.0},
    }
    assert forecast["days_to_cap"].isna().all()
    assert forecast_sentence(forecast.reset_index().iloc[0]) == "Team A: 5 of 28, not at the current pace"


def test_one_day_is_said_in_the_singular(db):
    team = db.team("Team A", cap=2)
    clients(db, team, 1, intake_on=date(2024, 6, 1))  # 1 in 90 days, 1 slot left: 90 days
    row = forecast_of(db).reset_index().iloc[0]
    assert forecast_sentence(row) == "Team A: 1 of 2, about 90 days at the current pace"
    row["days_to_cap"] = 1
    assert forecast_sentence(row) == "Team A: 1 of 2, about 1 day at the current pace"


def test_no_care_teams_means_an_empty_forecast_and_no_suggestion(db):
    with db.connect() as conn:
        forecast = caseload_forecast(conn, as_of=D)
    assert forecast.empty
    assert next_intake_team(forecast) is None


# --- the next-intake suggestion -------------------------------------------------------------------


def suggested(db) -> str:
    with db.connect() as conn:
        return next_intake_team(caseload_forecast(conn, as_of=D))["team"]


def test_next_intake_goes_to_the_active_team_with_most_open_slots(db):
    busy, quiet = db.team("Team A", cap=10), db.team("Team B", cap=10)
    retired = db.team("Team C", cap=50, active=False)
    for team, count in ((busy, 6), (quiet, 3), (retired, 1)):
        clients(db, team, count)
    assert suggested(db) == "Team B"


def test_next_intake_is_still_suggested_when_every_team_is_full(db):
    full, fuller = db.team("Team A", cap=1), db.team("Team B", cap=1)
    clients(db, full, 1)
    clients(db, fuller, 2)
    assert suggested(db) == "Team A"


def test_next_intake_between_equal_teams_goes_to_the_longest_standing_one(db):
    earlier, later = db.team("Team 5"), db.team("Team 11")  # by name, "Team 11" would sort first
    for team in (earlier, later):
        clients(db, team, 1)
    assert suggested(db) == "Team 5"


def test_next_intake_looks_four_weeks_ahead_at_the_current_pace(db):
    """Team A has 10 open slots but fills at 9 per 90 days: 10 − 9 × 28 ÷ 90 = 7.2 in four weeks.
    Team B has 8 but lost 3 clients in 90 days and took none: 8 + 3 × 28 ÷ 90 = 8.93."""
    filling, emptying = db.team("Team A", cap=20), db.team("Team B", cap=20)
    clients(db, filling, 1)
    clients(db, filling, 9, intake_on=date(2024, 6, 1))
    clients(db, emptying, 12)
    clients(db, emptying, 3, exited_on=date(2024, 6, 1))
    with db.connect() as conn:
        suggestion = next_intake_team(caseload_forecast(conn, as_of=D))
    assert (suggestion["team"], suggestion["open_slots"]) == ("Team B", 8)
    assert suggestion["projected_open_slots"] == pytest.approx(8 + 3 * 28 / 90)


def test_a_full_team_is_not_suggested_however_fast_its_clients_leave(db):
    full, roomy = db.team("Team A", cap=2), db.team("Team B", cap=10)
    clients(db, full, 2)
    clients(db, full, 10, exited_on=date(2024, 6, 1))
    clients(db, roomy, 9)
    assert suggested(db) == "Team B"


def test_the_teams_nearest_their_cap_come_first(db):
    roomy, soon, full, over = (db.team(name, cap=cap) for name, cap in (("A", 10), ("B", 3), ("C", 2), ("D", 1)))
    clients(db, roomy, 1, intake_on=DAY_BEFORE)  # no intake in 90 days: never reaches its cap
    clients(db, soon, 2, intake_on=date(2024, 6, 1))  # 45 days to its cap
    clients(db, full, 2)
    clients(db, over, 3)
    assert nearest_cap_first(forecast_of(db).reset_index())["team"].tolist() == ["D", "C", "B", "A"]


# --- the Caseload page -------------------------------------------------------------------------------


def test_the_caseload_page_says_when_each_pair_reaches_its_cap(db, monkeypatch):
    soon, never = db.team("Team A", cap=3), db.team("Team B", cap=10)
    clients(db, soon, 2, intake_on=date(2024, 6, 1))  # 2 in 90 days, 1 slot left: 45 days
    clients(db, never, 4)
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app("pages/caseload.py", user=STAFF_USER, as_of=D.isoformat())
    text = "\n".join(markdown.value for markdown in at.markdown)
    assert "Team A: 2 of 3, about 45 days at the current pace" in text
    assert "Team B: 4 of 10, not at the current pace" in text
    assert "Suggested team for the next intake: **Team B**" in at.info[0].value


def test_the_caseload_page_says_the_forecast_of_the_teams_nearest_their_cap_and_tables_them_all(db, monkeypatch):
    teams = [db.team(f"Team {number:02d}", cap=5) for number in range(FORECAST_SENTENCES_SHOWN + 1)]
    clients(db, teams[-1], 6)  # the last by name is the one over its cap
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app("pages/caseload.py", user=STAFF_USER, as_of=D.isoformat())
    sentences = [line for markdown in at.markdown for line in markdown.value.splitlines() if line.startswith("- ")]
    assert len(sentences) == FORECAST_SENTENCES_SHOWN
    assert sentences[0] == f"- Team {FORECAST_SENTENCES_SHOWN:02d}: 6 of 5, over its cap now"
    shown = f"The {FORECAST_SENTENCES_SHOWN} teams nearest their cap; the table below has all {len(teams)}."
    assert shown in [caption.value for caption in at.caption]
