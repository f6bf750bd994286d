import datetime as dt

import pytest
from django.utils import translation

from spaces.calendar import (
    day_info,
    days_info,
    holiday_break,
    is_year_announced,
    unannounced_years,
)

D = dt.date


def test_national_day_2026_break_runs_october_1_to_7():
    assert holiday_break(D(2026, 10, 4)) == (D(2026, 10, 1), D(2026, 10, 7))
    days = days_info(D(2026, 9, 30), D(2026, 10, 9))
    assert [d.in_holiday_break for d in days] == [False] + [True] * 7 + [False]
    assert [d.is_working_day for d in days] == [True] + [False] * 7 + [True]


def test_substituted_days_off_count_as_statutory_holidays():
    oct6 = day_info(D(2026, 10, 6))
    assert oct6.is_statutory_holiday
    assert not oct6.is_working_day
    # A weekend day inside the break is in it without being a statutory holiday.
    oct4 = day_info(D(2026, 10, 4))
    assert oct4.in_holiday_break and not oct4.is_statutory_holiday


def test_makeup_sunday_pairs_with_the_tuesday_it_pays_for():
    sep20 = day_info(D(2026, 9, 20))
    assert sep20.date.weekday() == 6
    assert sep20.is_working_day
    assert sep20.is_makeup_workday
    assert sep20.makeup_weekday == 1  # 10-06, a Tuesday
    assert not sep20.in_holiday_break
    assert sep20.holiday_break is None


def test_makeup_saturday_pairs_with_the_wednesday_it_pays_for():
    oct10 = day_info(D(2026, 10, 10))
    assert oct10.is_makeup_workday
    assert oct10.makeup_weekday == 2  # 10-07, a Wednesday


def test_spring_festival_2026_break_and_makeup_saturdays():
    assert holiday_break(D(2026, 2, 15)) == (D(2026, 2, 15), D(2026, 2, 23))
    assert holiday_break(D(2026, 2, 23)) == (D(2026, 2, 15), D(2026, 2, 23))
    assert holiday_break(D(2026, 2, 14)) is None
    feb14, feb28 = day_info(D(2026, 2, 14)), day_info(D(2026, 2, 28))
    assert (feb14.is_makeup_workday, feb14.makeup_weekday) == (True, 4)  # for Fri 02-20
    assert (feb28.is_makeup_workday, feb28.makeup_weekday) == (True, 0)  # for Mon 02-23


def test_dragon_boat_2026_break_takes_in_its_weekend():
    assert holiday_break(D(2026, 6, 19)) == (D(2026, 6, 19), D(2026, 6, 21))
    assert day_info(D(2026, 6, 21)).holiday_name == "端午节"
    assert day_info(D(2026, 6, 22)).is_working_day


def test_ordinary_weekend_is_not_a_break():
    sat = day_info(D(2026, 9, 12))
    assert not sat.is_working_day
    assert not sat.in_holiday_break
    assert sat.holiday_name is None


def test_breaks_can_cross_new_year():
    assert holiday_break(D(2023, 12, 30)) == (D(2023, 12, 30), D(2024, 1, 1))


def test_holiday_name_is_chinese_by_default_and_english_in_english():
    with translation.override("zh-hans"):
        assert day_info(D(2026, 10, 6)).holiday_name == "国庆节"
    with translation.override("en"):
        assert day_info(D(2026, 10, 6)).holiday_name == "National Day"


def test_break_name_lists_its_festivals():
    with translation.override("zh-hans"):
        assert day_info(D(2025, 10, 8)).holiday_name == "国庆节、中秋节"


def test_unannounced_year_keeps_the_holidays_fixed_by_law_as_provisional():
    assert is_year_announced(2026)
    assert not is_year_announced(2027)
    oct1 = day_info(D(2027, 10, 1))  # a Friday: National Day, fixed by law
    assert not oct1.announced
    assert not oct1.is_working_day
    assert oct1.is_statutory_holiday
    assert oct1.holiday_break == (D(2027, 10, 1), D(2027, 10, 3))  # law's 3 days, Fri-Sun
    assert oct1.holiday_name == "国庆节"
    # No notice, so no substituted days off and no make-up working days.
    oct4 = day_info(D(2027, 10, 4))
    assert oct4.is_working_day and not oct4.in_holiday_break
    assert not any(i.is_makeup_workday for i in days_info(D(2027, 1, 1), D(2028, 1, 1)))
    assert unannounced_years(D(2026, 12, 28), D(2027, 1, 4)) == [2027]
    assert unannounced_years(D(2026, 12, 28), D(2027, 1, 1)) == []


@pytest.mark.parametrize(
    ("day", "first", "last", "name"),
    [
        (D(2027, 1, 2), D(2027, 1, 1), D(2027, 1, 3), "元旦"),  # Friday plus the weekend
        (D(2027, 2, 7), D(2027, 2, 5), D(2027, 2, 8), "农历除夕、春节"),  # Fri eve to Mon
        (D(2027, 4, 3), D(2027, 4, 3), D(2027, 4, 5), "清明节"),  # the weekend before Mon
        (D(2027, 5, 2), D(2027, 5, 1), D(2027, 5, 2), "劳动节"),
        (D(2027, 6, 9), D(2027, 6, 9), D(2027, 6, 9), "端午节"),  # a Wednesday alone
        (D(2027, 9, 15), D(2027, 9, 15), D(2027, 9, 15), "中秋节"),
    ],
)
def test_unannounced_breaks_are_the_law_s_days_plus_adjacent_weekends(day, first, last, name):
    info = day_info(day)
    assert (info.holiday_break, info.holiday_name, info.announced) == ((first, last), name, False)


def test_an_ordinary_weekend_of_an_unannounced_year_is_no_break():
    info = day_info(D(2027, 10, 9))
    assert not info.is_working_day and not info.in_holiday_break and not info.announced


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (D(2026, 12, 30), D(2027, 1, 2), 3),
        (D(2026, 1, 1), D(2027, 1, 1), 365),
        (D(2026, 5, 5), D(2026, 5, 5), 0),
    ],
)
def test_days_info_covers_half_open_ranges_across_years(start, end, count):
    days = days_info(start, end)
    assert len(days) == count
    assert [d.date for d in days] == [start + dt.timedelta(days=i) for i in range(count)]
