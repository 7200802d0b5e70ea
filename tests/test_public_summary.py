"""The public summary read the way an adversary would: every month-end's publication compared with the
next, on the demo's whole history; and the page as the public see it.

The differencing tests compute each month-end's summary directly (``public_summary``), as the page
shows it, on one demo database generated for this module.
"""

from __future__ import annotations

import calendar
import csv
import io
import logging
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import create_engine

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.demo import write_demo
from lead_data.export import csv_bytes
from lead_data.figures import enrollment
from lead_data.figures.public_summary import (
    NOT_AVAILABLE,
    TOTAL,
    PublicSummary,
    complete_quarters,
    last_month_end,
    public_summary,
)
from lead_data.site import load_site
from lead_data.suppression import COMPLEMENT, HIDDEN, ROUNDING_BASE
from tests.apptest import PUBLIC_USER, STAFF_USER, metrics, open_app

DEMO_AS_OF = date(2026, 6, 15)
FIRST_MONTH_END = date(2017, 2, 28)  # the program started on 2017-02-01
ROUNDED = {
    ("headline", name) for name in ("enrolled", "active", "rearrested", "followed_12_months", "rearrested_12_months")
}
PAGE = "pages/public_summary.py"
IN_ZONE = {"latitude": 39.2915, "longitude": -76.6216}

Figures = dict[tuple[str, ...], str]


def month_ends(first: date, last: date) -> list[date]:
    ends, end = [], first
    while end <= last:
        ends.append(end)
        following = end + timedelta(days=1)
        end = following.replace(day=calendar.monthrange(following.year, following.month)[1])
    return ends


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    write_demo(path, as_of=DEMO_AS_OF)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def publications(demo_url: str) -> list[tuple[date, PublicSummary]]:
    """The public summary at every month-end of the demo's history, oldest first."""
    engine = create_engine(demo_url)
    site = load_site()
    with engine.connect() as conn:
        summaries = [
            (end, public_summary(conn, as_of=end, site=site))
            for end in month_ends(FIRST_MONTH_END, last_month_end(DEMO_AS_OF))
        ]
    engine.dispose()
    return summaries


def shown(summary: PublicSummary) -> Figures:
    """Every figure on the page, named so that the same figure has the same name in every publication:
    headline counts by their meaning, a quarter's cells and its headline total by the quarter."""
    figures = {("headline", name): text for name, text in summary.headline.items() if name != "referrals"}
    if summary.latest_quarter:
        figures[("headline", "referrals", summary.latest_quarter.label)] = summary.headline["referrals"]
    for table, frame in (("by type", summary.referrals_by_type), ("by place", summary.referrals_by_place)):
        for row in frame.to_dict("records"):
            figures.update(
                {(table, row["quarter"], column): text for column, text in row.items() if column != "quarter"}
            )
    return figures


def number(text: str) -> int | None:
    """The count a figure shows, or None when it shows none (hidden, a rate, not available)."""
    if text in (HIDDEN, COMPLEMENT, NOT_AVAILABLE) or text.endswith("%"):
        return None
    return int(text.replace(",", ""))


def test_no_figure_differs_by_1_to_10_between_consecutive_month_ends_unless_both_are_rounded(publications, demo_url):
    """For every two consecutive month-ends of the demo's history and every figure shown as a number
    at both under the same name, the difference is 0 or more than 10, unless the figure is one of the
    rounded ones and both numbers are multiples of 5: then a difference d says only that the true
    change was somewhere from d - 4 to d + 4 (from 1 to 9 when d is 5: no more than "<11" says)."""
    leaks, rounded_moves, compared = [], 0, 0
    for (_, before), (after_end, after) in pairwise(publications):
        earlier, later = shown(before), shown(after)
        for name in earlier.keys() & later.keys():
            a, b = number(earlier[name]), number(later[name])
            if a is None or b is None:
                continue
            compared += 1
            if 1 <= abs(b - a) <= 10:
                if name in ROUNDED and a % ROUNDING_BASE == 0 and b % ROUNDING_BASE == 0:
                    rounded_moves += 1
                else:
                    leaks.append((after_end, name, a, b))
    assert len(publications) == 112  # February 2017 to May 2026, every month
    assert not leaks
    assert compared > 2000 and rounded_moves > 100  # the rule was tested on many figures, rounded ones moving
    # ... and on a history where exact figures would have leaked: enrolled-ever changes by 1 to 10 a month.
    engine = create_engine(demo_url)
    with engine.connect() as conn:
        enrolled = [enrollment.enrolled_ever(conn, as_of=end) for end, _ in publications]
    engine.dispose()
    assert any(1 <= later - earlier <= 10 for earlier, later in pairwise(enrolled))


def test_a_quarter_reads_the_same_in_every_publication_that_shows_it(publications):
    """So a cell hidden at one month-end is hidden at every other, and one shown is never hidden later."""
    first_seen: dict[tuple[str, ...], tuple[date, str]] = {}
    appearances: dict[tuple[str, ...], int] = {}
    for end, summary in publications:
        for name, text in shown(summary).items():
            if name[0] == "headline" and len(name) == 2:
                continue  # the running totals, rounded: the test above
            since, first_text = first_seen.setdefault(name, (end, text))
            assert text == first_text, f"{name}: {first_text} at {since}, {text} at {end}"
            appearances[name] = appearances.get(name, 0) + 1
    assert appearances[("by type", "2020-Q1", TOTAL)] == 12  # four quarters shown, three month-ends each
    assert sum(text == HIDDEN for _, text in first_seen.values()) > 20  # hidden cells were among them


def test_no_count_from_1_to_10_is_shown_and_running_totals_are_multiples_of_5(publications):
    for end, summary in publications:
        for name, text in shown(summary).items():
            count = number(text)
            if count is None:
                continue
            assert not 1 <= count <= 10, (end, name, text)
            if name in ROUNDED:
                assert count % ROUNDING_BASE == 0, (end, name, text)


def test_the_rearrest_rate_is_worked_out_from_the_rounded_counts(publications):
    rates = 0
    for _, summary in publications:
        rearrested, enrolled = number(summary.headline["rearrested"]), number(summary.headline["enrolled"])
        if rearrested is None or enrolled is None:
            assert summary.headline["rearrest_rate"] == COMPLEMENT
        elif enrolled:
            assert summary.headline["rearrest_rate"] == f"{rearrested / enrolled:.0%}"
            rates += 1
    assert rates > 50


def test_no_hidden_cell_can_be_worked_out_from_its_quarter(publications):
    hidden_cells = 0
    for end, summary in publications:
        for frame in (summary.referrals_by_type, summary.referrals_by_place):
            for row in frame.to_dict("records"):
                members = [text for column, text in row.items() if column != "quarter"]  # the parts and the total
                hidden = sum(text in (HIDDEN, COMPLEMENT) for text in members)
                assert hidden != 1, (end, row)
                hidden_cells += hidden
    assert hidden_cells > 100


def test_every_column_of_the_public_tables_holds_text_only(publications):
    """pyarrow cannot take a column mixing ints with "<11": Streamlit logs a traceback and converts it."""
    mixed_markers_and_numbers = False
    for _, summary in publications:
        for frame in (summary.referrals_by_type, summary.referrals_by_place):
            for column in frame.columns:
                assert {type(value) for value in frame[column]} <= {str}, column
                values = set(frame[column])
                mixed_markers_and_numbers |= HIDDEN in values and any(number(value) for value in values)
    assert mixed_markers_and_numbers


def test_the_csv_of_a_public_table_reads_back_as_shown(publications):
    """The page's "Download CSV" is ``csv_bytes`` of the very table on screen (ui.tables.table)."""
    _, latest = publications[-1]
    frame = latest.referrals_by_place
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8"))))
    assert rows[0] == list(frame.columns)
    assert rows[1:] == frame.to_numpy().tolist()
    assert any(HIDDEN in row for row in rows[1:])


def test_rounded_running_totals_do_not_give_away_a_month_of_intakes(db):
    """The attack that prompted rounding, on a small program on each backend: 13 people enrolled by the
    end of May and 20 by the end of June gave away the 7 June intakes."""
    for _ in range(13):
        db.enroll(db.participant(), intake_on=date(2024, 5, 6))
    for _ in range(7):
        db.enroll(db.participant(), intake_on=date(2024, 6, 10))
    with db.connect() as conn:
        may = public_summary(conn, as_of=date(2024, 5, 31), site=load_site())
        june = public_summary(conn, as_of=date(2024, 6, 30), site=load_site())
    assert (may.headline["enrolled"], june.headline["enrolled"]) == ("15", "20")  # 13 and 20: 11 to 17 and 18 to 22
    # May's publication shows only complete quarters (to March: none of these referrals); June's shows Q2 whole.
    assert may.headline["referrals"] == "0" and june.headline["referrals"] == "20"


# --- the page -------------------------------------------------------------------------------


@pytest.fixture
def small_program(db, monkeypatch) -> dict[str, str]:
    """20 people enrolled in June 2024. In the quarter before the last complete one, 15 arrest diversions
    and 12 social contacts in the zone; in the last complete quarter before today, 30 more people
    enrolled and 15 referrals in the zone, 3 of them social contacts (so the tables' columns hold
    numbers and hidden cells side by side)."""
    for _ in range(20):
        db.enroll(db.participant(), intake_on=date(2024, 6, 3))
    latest = complete_quarters(last_month_end(load_site().today() - timedelta(days=1)), load_site().launch_date)[-1]
    start = latest.period.start
    for _ in range(30):
        db.enroll(db.participant(), intake_on=start)
    someone = db.participant()
    for day in range(12):
        db.referral(someone, start + timedelta(days=day), **IN_ZONE)
    for day in range(3):
        db.referral(someone, start + timedelta(days=day), referral_type="social_contact", **IN_ZONE)
    before = latest.before().period.start
    for day in range(15):
        db.referral(someone, before + timedelta(days=day), **IN_ZONE)
    for day in range(12):
        db.referral(someone, before + timedelta(days=day), referral_type="social_contact", **IN_ZONE)
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    return {"months": latest.months, "month": last_month_end(load_site().today() - timedelta(days=1)).strftime("%B %Y")}


@pytest.fixture
def arrow_conversions() -> Iterator[list[logging.LogRecord]]:
    """What Streamlit logs when a table must be fixed up for pyarrow (it logs at INFO, with a traceback)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append
    logger = logging.getLogger("streamlit.dataframe_util")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def tables(at) -> list[list[list[str]]]:
    return [frame.value.to_numpy().tolist() for frame in at.dataframe]


def test_the_public_get_no_as_of_or_period_picker_and_as_of_in_the_url_changes_nothing(small_program):
    plain = open_app(PAGE, user=PUBLIC_USER, first_page=PAGE)
    rewound = open_app(PAGE, user=PUBLIC_USER, first_page=PAGE, as_of="2024-06-30", period="ytd")
    for at in (plain, rewound):
        assert not at.sidebar.date_input and not at.sidebar.selectbox
        assert f"As of the end of {small_program['month']}." in at.caption[0].value
    assert (
        metrics(plain)
        == metrics(rewound)
        == {
            "People enrolled since 2017": "50",
            "Enrolled now": "50",
            f"Referrals, {small_program['months']}": "45",
            "Re-arrested after enrolling": "0%",
            "Re-arrested within 12 months of enrolling": "0%",
        }
    )
    assert tables(plain) == tables(rewound)


def test_staff_may_look_back_at_what_the_public_saw(small_program):
    at = open_app(PAGE, user=STAFF_USER, as_of="2024-06-30")
    assert metrics(at)["People enrolled since 2017"] == "20"
    assert metrics(at)["Referrals, Apr–Jun 2024"] == "20"
    assert "The public always see the latest complete month." in at.caption[1].value


def test_the_public_summary_page_gives_pyarrow_no_mixed_column(small_program, arrow_conversions):
    at = open_app(PAGE, user=PUBLIC_USER, first_page=PAGE)
    by_type = at.dataframe[0].value
    assert by_type["arrest_diversion"].tolist() == ["0", "0", "15", COMPLEMENT]  # 42 beside 3 social contacts
    assert by_type["social_contact"].tolist() == ["0", "0", "12", HIDDEN]
    assert not [record.getMessage() for record in arrow_conversions]
