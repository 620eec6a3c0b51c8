"""Working days on the statutory calendar (调休 included), overrides, and the Mon–Fri fallback."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.core import calendar
from zugong.core.models import CalendarOverride
from zugong.core.services import calendar_override_set


@pytest.mark.django_db
def test_sunday_make_up_day_2024_02_04_is_a_workday() -> None:
    assert date(2024, 2, 4).weekday() == 6
    assert calendar.is_workday(date(2024, 2, 4)) is True


@pytest.mark.django_db
def test_spring_festival_monday_2024_02_12_is_a_holiday() -> None:
    assert date(2024, 2, 12).weekday() == 0
    assert calendar.is_workday(date(2024, 2, 12)) is False


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "n", "expected"), [
    (date(2024, 2, 2), 1, date(2024, 2, 4)),    # Friday → the make-up Sunday
    (date(2024, 2, 9), 1, date(2024, 2, 18)),   # 除夕 → over the whole holiday to the make-up Sunday
    (date(2024, 2, 9), 2, date(2024, 2, 19)),
    (date(2024, 2, 8), 5, date(2024, 2, 21)),   # 9th, 18th, 19th, 20th, 21st
    (date(2024, 2, 1), 0, date(2024, 2, 1)),
])
def test_add_workdays_across_spring_festival_2024(start: date, n: int, expected: date) -> None:
    assert calendar.add_workdays(start, n) == expected


@pytest.mark.django_db
def test_workdays_between_counts_make_up_days_and_skips_holidays() -> None:
    # (2024-02-03, 2024-02-19]: Feb 4 (make-up), 5–9, 18 (make-up), 19 → 8; the 10th–17th are off.
    assert calendar.workdays_between(date(2024, 2, 3), date(2024, 2, 19)) == 8
    assert calendar.workdays_between(date(2024, 2, 19), date(2024, 2, 3)) == -8
    assert calendar.add_days(date(2024, 2, 9), 3, workdays=False) == date(2024, 2, 12)
    assert calendar.add_days(date(2024, 2, 9), 3, workdays=True) == date(2024, 2, 20)


@pytest.mark.django_db
def test_year_without_data_falls_back_to_monday_to_friday() -> None:
    assert calendar.year_is_covered(2031) is False
    assert calendar.uncovered_years([2024, 2031, 2031]) == [2031]
    assert calendar.is_workday(date(2031, 1, 1)) is True  # a Wednesday; no New Year data for 2031
    assert calendar.is_workday(date(2031, 1, 4)) is False  # Saturday
    assert calendar.add_workdays(date(2031, 1, 3), 1) == date(2031, 1, 6)  # Friday → Monday
    assert calendar.workdays_between(date(2031, 1, 1), date(2031, 1, 31)) == 22


@pytest.mark.django_db
def test_overrides_win_over_statutory_data() -> None:
    calendar_override_set(actor=None, day=date(2024, 2, 4), is_workday=False, note="本地调整")
    calendar_override_set(actor=None, day=date(2024, 2, 12), is_workday=True, note="值班")
    assert calendar.is_workday(date(2024, 2, 4)) is False
    assert calendar.is_workday(date(2024, 2, 12)) is True
    assert calendar.add_workdays(date(2024, 2, 9), 1) == date(2024, 2, 12)
    assert calendar.add_workdays(date(2024, 2, 2), 1) == date(2024, 2, 5)


@pytest.mark.django_db
def test_override_makes_a_year_covered_and_can_be_changed() -> None:
    calendar_override_set(actor=None, day=date(2031, 1, 1), is_workday=False, note="元旦")
    assert calendar.year_is_covered(2031) is True
    assert calendar.is_workday(date(2031, 1, 1)) is False
    calendar_override_set(actor=None, day=date(2031, 1, 1), is_workday=True)
    assert CalendarOverride.objects.get(day=date(2031, 1, 1)).is_workday is True
    assert calendar.is_workday(date(2031, 1, 1)) is True


@pytest.mark.django_db
def test_bad_arguments_raise_value_error() -> None:
    with pytest.raises(ValueError, match="负数"):
        calendar.add_workdays(date(2024, 1, 1), -1)
    with pytest.raises(ValueError, match="十年"):
        calendar.workdays_between(date(2000, 1, 1), date(2030, 1, 1))
