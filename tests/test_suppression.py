"""Small-cell suppression: counts 1–10 hidden, and nothing hidden can be worked back out."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lead_data.figures.public_summary import complete_quarters, last_month_end, public_summary
from lead_data.site import load_site
from lead_data.suppression import COMPLEMENT, HIDDEN, Equation, Ratio, as_text, hidden_entries, rounded, suppress


def derivable(shown, equations):
    """Hidden entries a reader could compute: the only hidden member of some equation."""
    found = set()
    for equation in equations:
        members = (equation.total, *equation.parts)
        hidden = [member for member in members if shown[member] in (HIDDEN, COMPLEMENT)]
        if len(hidden) == 1:
            found.add(hidden[0])
    return found


@pytest.mark.parametrize("count", [1, 5, 10])
def test_counts_from_1_to_10_show_as_less_than_11(count):
    assert suppress({"n": count}) == {"n": HIDDEN}


@pytest.mark.parametrize("count", [0, 11, 250])
def test_zero_and_counts_of_11_or_more_are_shown(count):
    assert suppress({"n": count}) == {"n": count}


def test_hiding_only_the_small_cell_leaks_through_the_total():
    counts = {"total": 120, "in_zone": 100, "outside": 17, "unknown": 3}
    equations = [Equation("total", ("in_zone", "outside", "unknown"))]
    naive = {name: HIDDEN if 0 < n < 11 else n for name, n in counts.items()}
    assert derivable(naive, equations) == {"unknown"}  # 120 - 100 - 17 = 3
    shown = suppress(counts, equations)
    assert shown["unknown"] == HIDDEN and shown["outside"] == COMPLEMENT  # the smallest other part goes too
    assert shown["in_zone"] == 100 and shown["total"] == 120
    assert not derivable(shown, equations)


def test_a_complement_hidden_in_a_row_is_covered_again_in_its_column():
    # quarters × types, with row totals, column totals and the grand total all on screen
    cells = {"q1|a": 40, "q1|b": 4, "q2|a": 30, "q2|b": 25}
    counts = {**cells, "q1|t": 44, "q2|t": 55, "t|a": 70, "t|b": 29, "all": 99}
    equations = [
        Equation("q1|t", ("q1|a", "q1|b")),
        Equation("q2|t", ("q2|a", "q2|b")),
        Equation("t|a", ("q1|a", "q2|a")),
        Equation("t|b", ("q1|b", "q2|b")),
        Equation("all", ("q1|t", "q2|t")),
        Equation("all", ("t|a", "t|b")),
    ]
    shown = suppress(counts, equations)
    assert shown["q1|b"] == HIDDEN
    assert not derivable(shown, equations)
    assert len(hidden_entries(counts, equations)) == 4  # the whole 2×2 block, totals stay visible
    assert shown["all"] == 99


def test_a_small_cell_whose_neighbours_are_zero_takes_its_total_with_it():
    counts = {"total": 4, "a": 4, "b": 0, "grand": 50, "other_total": 46}
    equations = [Equation("total", ("a", "b")), Equation("grand", ("total", "other_total"))]
    shown = suppress(counts, equations)
    assert not derivable(shown, equations)
    assert shown["a"] == HIDDEN and shown["total"] == HIDDEN


def test_a_rate_is_hidden_when_its_count_is():
    shown = suppress({"rearrested": 4, "enrolled": 60}, ratios=[Ratio("rate", "rearrested", "enrolled")])
    assert shown == {"rearrested": HIDDEN, "enrolled": 60, "rate": COMPLEMENT}
    shown = suppress({"rearrested": 12, "enrolled": 60}, ratios=[Ratio("rate", "rearrested", "enrolled")])
    assert shown["rate"] == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("as_of", "month_end"),
    [
        (date(2026, 11, 26), date(2026, 10, 31)),
        (date(2026, 11, 30), date(2026, 11, 30)),
        (date(2024, 3, 1), date(2024, 2, 29)),
    ],
)
def test_the_public_summary_counts_to_the_end_of_the_last_complete_month(as_of, month_end):
    assert last_month_end(as_of) == month_end


def test_public_summary_leaves_nothing_small_derivable(db):
    person = db.participant()
    zone_point = {"latitude": 39.2915, "longitude": -76.6216}
    for day in range(1, 26):  # 25 arrest diversions in the zone, July 2024
        db.referral(person, datetime(2024, 7, day, 9), **zone_point)
    for day in range(1, 4):  # 3 social contacts outside the zone, August 2024
        db.referral(
            person, datetime(2024, 8, day, 9), referral_type="social_contact", latitude=39.31, longitude=-76.645
        )
    for n in range(15):
        someone = db.participant()
        db.enroll(someone, intake_on=date(2024, 7, 2))
        if n < 2:
            db.arrest(someone, date(2024, 8, 15))
    with db.connect() as conn:
        summary = public_summary(conn, as_of=date(2024, 10, 10), site=load_site())
    assert summary.month_end == date(2024, 9, 30)
    assert [quarter.label for quarter in summary.quarters] == ["2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3"]
    headline = summary.headline
    assert (headline["enrolled"], headline["active"]) == ("15", "15")
    assert headline["rearrested"] == HIDDEN and headline["rearrest_rate"] == COMPLEMENT
    # Q3: 25 + 15 enrollment referrals (July 2, no location) arrest diversions + 3 social contacts = 43;
    # the 3 must not be derivable from the total by type nor by place.
    assert headline["referrals"] == "43"
    by_type = summary.referrals_by_type.set_index("quarter")
    assert by_type.loc["2024-Q3"].tolist() == [COMPLEMENT, HIDDEN, "43"]  # arrest_diversion, social_contact, Total
    assert by_type.loc["2024-Q2"].tolist() == ["0", "0", "0"]
    by_place = summary.referrals_by_place.set_index("quarter")
    # in the zone 25, outside 3, unknown 15 (hidden too: else 43 - 25 - 15 = 3), outside Baltimore 0
    assert by_place.loc["2024-Q3"].tolist() == ["25", HIDDEN, COMPLEMENT, "0", "43"]


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, HIDDEN), (10, HIDDEN), (11, 15), (12, 15), (17, 15), (18, 20), (809, 810), (816, 815)],
)
def test_a_republished_count_is_rounded_to_5_and_never_shows_1_to_10(count, shown):
    assert rounded(count) == shown


def test_shown_counts_are_text_with_thousands_separated():
    assert [as_text(value) for value in (1234, 0, HIDDEN, COMPLEMENT)] == ["1,234", "0", HIDDEN, COMPLEMENT]


@pytest.mark.parametrize(
    ("month_end", "quarters"),
    [
        (date(2024, 5, 31), ["2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1"]),
        (date(2024, 6, 30), ["2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"]),
        (date(2017, 3, 31), ["2017-Q1"]),  # the program started in February 2017
        (date(2017, 2, 28), []),
    ],
)
def test_the_public_summary_shows_the_last_four_complete_quarters(month_end, quarters):
    assert [quarter.label for quarter in complete_quarters(month_end, load_site().launch_date)] == quarters


def test_a_count_hidden_only_to_protect_another_is_not_called_small():
    shown = suppress({"total": 60, "small": 4, "big": 22, "rest": 34}, [Equation("total", ("small", "big", "rest"))])
    assert shown == {"total": 60, "small": HIDDEN, "big": COMPLEMENT, "rest": 34}
