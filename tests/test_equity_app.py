"""The Equity page through the running app, as every role: staff see exact counts, leadership and
partners suppressed ones, the public not the page at all."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from lead_data.access import PERMISSIONS
from lead_data.db import DATABASE_URL_VARIABLE, DEMO_DATABASE_VARIABLE
from tests.apptest import APP, AUTH_SECRETS, USER_OF_ROLE, open_app
from ui.runlog import recording_figure_calls
from ui.tabs import TAB_PARAMETER

D = date(2024, 6, 30)
EQUITY = "pages/equity.py"
TABS = ("Referrals and eligibility", "Days to intake", "Re-arrest", "Exits")


@pytest.fixture
def program(db, monkeypatch):
    """Twelve Black referrals (eleven enrolled) and three White (one enrolled), all this year."""
    for number in range(12):
        person = db.participant(race="Black", sex="Male", date_of_birth=date(1990, 1, 1))
        if number < 11:
            db.enroll(person, referred_on=date(2024, 3, 1), intake_on=date(2024, 3, 8))
        else:
            db.referral(person, date(2024, 3, 1), eligibility="ineligible", ineligible_reason="under_supervision")
    for number in range(3):
        person = db.participant(race="White", sex="Male", date_of_birth=date(1990, 1, 1))
        if number == 0:
            db.enroll(person, referred_on=date(2024, 4, 1), intake_on=date(2024, 4, 3))
        else:
            db.referral(person, date(2024, 4, 1), eligibility="pending")
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    return db


def first_page(role: str) -> str:
    return f"pages/{PERMISSIONS[role].pages[0]}.py"


def referral_table(at: AppTest):
    frame = at.dataframe[0].value
    return frame.set_index("group")


def test_staff_see_exact_counts_by_race(program):
    at = open_app(EQUITY, user=USER_OF_ROLE["staff"], as_of=D.isoformat())
    assert at.title[0].value == "Equity"
    referrals = referral_table(at)
    assert referrals.loc["All", ["referred", "enrolled", "enrolled_rate"]].tolist() == ["15", "12", "80%"]
    assert referrals.loc["White", ["referred", "pending", "enrolled"]].tolist() == ["3", "2", "1"]
    assert referrals.loc["White", "enrolled_rate_difference"] == "-47 pts"  # 33% against 80%
    assert not any("<11" in caption.value for caption in at.caption)  # nothing suppressed, nothing to explain
    assert not at.exception and not at.error


@pytest.mark.parametrize("role", ["leadership", "partner"])
def test_other_roles_see_small_counts_suppressed(program, role):
    at = open_app(EQUITY, user=USER_OF_ROLE[role], first_page=first_page(role), as_of=D.isoformat())
    referrals = referral_table(at)
    assert referrals.loc["White", "referred"] == "<11"
    assert referrals.loc["White", "enrolled_rate"] == "*"
    assert referrals.loc["Black", "referred"] == "*"  # else 15 - 12 gives the White count away
    assert referrals.loc["All", "referred"] == "15"
    assert any("<11" in caption.value for caption in at.caption)
    assert not at.exception and not at.error


def test_the_breakdown_can_be_switched_to_age_band(program):
    at = open_app(EQUITY, user=USER_OF_ROLE["staff"], as_of=D.isoformat())
    at.radio(key="equity_dimension").set_value("age_band").run()
    assert referral_table(at).index.tolist() == ["All", "25–34"]
    assert not at.exception


def test_the_public_cannot_open_the_equity_page(program):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app(EQUITY, user=USER_OF_ROLE["public"], first_page=first_page("public"), as_of=D.isoformat())
    direct = AppTest.from_file(str(APP.parent / EQUITY), default_timeout=60)
    direct.secrets["auth"] = AUTH_SECRETS
    direct.user = {"is_logged_in": True, "email": USER_OF_ROLE["public"], "email_verified": True}
    direct.run()
    assert "not available to the public role" in direct.error[0].value
    assert not direct.dataframe


def figures_loaded_by_a_run(at: AppTest) -> set[str]:
    with recording_figure_calls() as calls:
        at.run()
    return {call.figure.__name__ for call in calls}


def test_only_the_open_tabs_figure_is_loaded(program):
    at = open_app(EQUITY, user=USER_OF_ROLE["staff"], as_of=D.isoformat())
    assert [tab.label for tab in at.tabs] == list(TABS)
    assert figures_loaded_by_a_run(at) == {"referrals_by_group"}
    at = open_app(EQUITY, user=USER_OF_ROLE["staff"], as_of=D.isoformat(), **{TAB_PARAMETER: "Re-arrest"})
    assert figures_loaded_by_a_run(at) == {"rearrested_within_year_by_group"}
    assert at.main.header[0].value == "Re-arrested within 12 months of intake"


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    return tmp_path_factory.mktemp("demo") / "demo.sqlite"


@pytest.mark.parametrize("page", [EQUITY, "pages/officers.py"])
def test_the_equity_and_officers_pages_render_on_the_demo_database_since_launch(page, demo_path, monkeypatch):
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)
    monkeypatch.setenv(DEMO_DATABASE_VARIABLE, str(demo_path))
    at = open_app(page, user=None)
    at.sidebar.selectbox(key="period").select("all").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.title and at.dataframe
    if page == EQUITY:  # each tab is drawn only when open
        for tab in TABS[1:]:
            at.query_params[TAB_PARAMETER] = tab
            at.run()
            assert not at.exception and not at.error, (tab, [e.value for e in at.error])
            assert at.dataframe, tab
