"""Officer engagement (lead_data.figures.officers and the Officers page): known answers on both backends,
and officer names only for the roles that may see them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lead_data.access import PERMISSIONS, role_arguments
from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.figures import officers
from lead_data.periods import Period
from tests.apptest import USER_OF_ROLE, open_app

D = date(2024, 6, 30)
PERIOD = Period(date(2024, 1, 1), D)
CENTRAL, WESTERN = "Central District Patrol", "Western District Patrol"


@pytest.fixture
def force(db):
    """Four Central officers (three trained by D) and one Western officer trained after D."""
    person = db.participant()
    ids = {
        "veteran": db.officer(unit=CENTRAL, lead_trained_on=date(2023, 5, 1)),
        "newly_trained": db.officer(unit=CENTRAL, lead_trained_on=date(2024, 4, 1)),
        "untrained": db.officer(unit=CENTRAL),
        "idle": db.officer(unit=CENTRAL, lead_trained_on=date(2024, 1, 10)),
        "western": db.officer(unit=WESTERN, lead_trained_on=date(2024, 7, 15)),
    }
    db.referral(person, date(2024, 2, 1), officer_id=ids["veteran"])
    db.referral(person, date(2024, 3, 1), officer_id=ids["veteran"], referral_type="social_contact")
    db.referral(person, date(2023, 12, 1), officer_id=ids["veteran"])  # before the period
    db.referral(person, date(2024, 3, 15), officer_id=ids["newly_trained"])  # before their training
    db.referral(person, date(2024, 4, 1), officer_id=ids["newly_trained"])  # on their training day: after it
    db.referral(person, date(2024, 5, 1), officer_id=ids["untrained"], referral_type="social_contact")
    db.referral(person, date(2024, 6, 1), officer_id=ids["western"])  # trained only after D
    db.referral(person, date(2024, 2, 2))  # no officer recorded
    db.referral(person, date(2024, 7, 1), officer_id=ids["veteran"])  # after D
    return db


def by_unit(frame: pd.DataFrame) -> dict[str, dict]:
    return {record["unit"]: record for record in frame.to_dict("records")}


def test_officers_trained_by_unit_count_training_on_or_before_the_as_of_date(force):
    with force.connect() as conn:
        units = by_unit(officers.officers_trained_by_unit(conn, as_of=D))
    assert list(units) == [CENTRAL, WESTERN, officers.ALL_UNITS]
    assert (units[CENTRAL]["officers"], units[CENTRAL]["trained"]) == (4, 3)
    assert (units[WESTERN]["officers"], units[WESTERN]["trained"], units[WESTERN]["trained_share"]) == (1, 0, 0.0)
    assert units[officers.ALL_UNITS]["trained_share"] == pytest.approx(3 / 5)


def test_training_over_time_runs_a_total_per_unit(force):
    with force.connect() as conn:
        months = officers.officers_trained_by_month(conn, as_of=D)
    assert months.values.tolist() == [
        ["2023-05-01", CENTRAL, 1, 1],
        ["2024-01-01", CENTRAL, 1, 2],
        ["2024-04-01", CENTRAL, 1, 3],
    ]


def test_engagement_by_unit_splits_referrals_at_each_officer_s_training_date(force):
    with force.connect() as conn:
        units = by_unit(officers.officer_engagement_by_unit(conn, as_of=D, period=PERIOD))
    assert list(units) == [CENTRAL, WESTERN, "not recorded", officers.ALL_UNITS]
    central = units[CENTRAL]
    assert (central["trained"], central["trained_referring"]) == (3, 2)  # the idle officer referred no one
    assert central["trained_referring_share"] == pytest.approx(2 / 3)
    assert (central["referrals"], central["referrals_after_training"], central["referrals_before_training"]) == (
        5,
        3,
        2,
    )
    assert central["referrals_per_trained_officer"] == 1.0
    assert (central["social_contact"], central["social_contact_share"]) == (2, 0.4)
    western = units[WESTERN]
    assert (western["trained"], western["referrals"], western["referrals_before_training"]) == (0, 1, 1)
    assert pd.isna(western["referrals_per_trained_officer"])
    unrecorded = units["not recorded"]
    assert (
        unrecorded["referrals"],
        unrecorded["referrals_after_training"],
        unrecorded["referrals_before_training"],
    ) == (
        1,
        0,
        0,
    )
    everyone = units[officers.ALL_UNITS]
    assert (everyone["trained"], everyone["trained_referring"], everyone["referrals"]) == (3, 2, 7)
    assert (everyone["referrals_after_training"], everyone["referrals_before_training"]) == (3, 3)


def test_referrals_by_officer_names_officers_only_when_the_role_may_see_them(force):
    with force.connect() as conn:
        named = officers.referrals_by_officer(conn, as_of=D, period=PERIOD, with_officer_names=True)
        unnamed = officers.referrals_by_officer(conn, as_of=D, period=PERIOD, with_officer_names=False)
    assert named["referrals"].tolist() == [2, 2, 1, 1, 0]  # most first; the idle trained officer last
    assert named["unit"].tolist() == [CENTRAL, CENTRAL, CENTRAL, WESTERN, CENTRAL]
    assert named["trained"].tolist() == [True, True, False, False, True]
    assert named["referrals_before_training"].tolist() == [0, 1, 1, 1, 0]
    assert all(name.startswith("Officer Test-") for name in named["officer"])
    assert "officer" not in unnamed.columns and "lead_trained_on" not in unnamed.columns
    assert "Officer Test-" not in unnamed.to_csv()
    assert unnamed["referrals"].tolist() == [2, 2, 1, 1, 0]


def test_only_staff_and_leadership_get_officer_names():
    assert [
        role for role in PERMISSIONS if role_arguments(role, officers.referrals_by_officer)["with_officer_names"]
    ] == [
        "staff",
        "leadership",
    ]


# --- the page ---------------------------------------------------------------------------------------


@pytest.fixture
def app_force(force, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, force.url)
    return force


def shown_text(at) -> str:
    return "\n".join(frame.value.to_csv() for frame in at.dataframe)


@pytest.mark.parametrize("role", ["staff", "leadership", "partner"])
def test_the_officers_page_shows_names_only_to_staff_and_leadership(app_force, role):
    at = open_app(
        "pages/officers.py",
        user=USER_OF_ROLE[role],
        first_page=f"pages/{PERMISSIONS[role].pages[0]}.py",
        as_of=D.isoformat(),
    )
    assert at.title[0].value == "Officers"
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown["Officers trained"] == "3"
    assert {metric.label: metric.delta for metric in at.metric}["Officers trained"] == "of 5 on record"
    assert shown["Trained who referred"] == "67%"
    # The default period, the last 12 months, also holds the veteran's December referral: 4 by 3 officers.
    assert shown["Referrals per trained officer"] == "1.3"
    assert shown["Referrals before training"] == "3"
    assert ("Officer Test-" in shown_text(at)) is (role in ("staff", "leadership"))
    captions = "\n".join(caption.value for caption in at.caption)
    assert ("Names and training dates are shown to staff and leadership" in captions) is (role == "partner")
    assert not at.exception and not at.error


def test_the_public_cannot_open_the_officers_page(app_force):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app("pages/officers.py", user=USER_OF_ROLE["public"], first_page="pages/public_summary.py")
