from datetime import date

import pytest

from lead_data.periods import PERIOD_CHOICES, Period, period_ending, week_ending

AS_OF = date(2024, 3, 15)


@pytest.mark.parametrize(
    ("choice", "start"),
    [
        ("4w", date(2024, 2, 17)),
        ("13w", date(2023, 12, 16)),
        ("12m", date(2023, 4, 1)),
        ("ytd", date(2024, 1, 1)),
        ("all", None),
    ],
)
def test_each_period_ends_on_the_as_of_date(choice, start):
    assert period_ending(AS_OF, choice) == Period(start, AS_OF)


def test_last_12_months_are_whole_calendar_months_across_a_year_end():
    assert period_ending(date(2024, 1, 31), "12m").start == date(2023, 2, 1)
    assert period_ending(date(2024, 12, 1), "12m").start == date(2024, 1, 1)


def test_every_offered_choice_is_understood():
    assert all(period_ending(AS_OF, choice).end == AS_OF for choice in PERIOD_CHOICES)


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError, match="unknown period"):
        period_ending(AS_OF, "fortnight")


def test_meeting_weeks_are_the_seven_days_ending_as_of_and_the_seven_before():
    assert week_ending(AS_OF) == Period(date(2024, 3, 9), AS_OF)
    assert week_ending(AS_OF, weeks_back=1) == Period(date(2024, 3, 2), date(2024, 3, 8))
