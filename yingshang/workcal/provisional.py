"""A provisional holiday calendar for years whose official arrangement is not yet entered.

Built from the national holiday law (《全国年节及纪念日放假办法》, as amended in 2024, in force
from 2025): 元旦 1 day (1-1), 春节 4 days (除夕 to 正月初三), 清明节 1 day (the 清明 solar
term), 劳动节 2 days (5-1, 5-2), 端午节 1 day (五月初五), 中秋节 1 day (八月十五), 国庆节
3 days (10-1 to 10-3). Lunar dates come from lunar-python, the 清明 solar term from
chinese-calendar.

Only the statutory days are marked: the State Council's yearly notice also moves weekends
around them (调休), which cannot be foreseen, so no make-up working days are guessed. A
deadline computed on this calendar is flagged provisional ("预计") until the year is entered.
"""

import datetime as dt
from functools import cache

# the amended law is in force from this year on; earlier years without an entered arrangement
# are computed with weekends only
FIRST_YEAR = 2025
# provisional holidays are laid out this many years past the current and the last entered year
# (a lunar conversion costs milliseconds; deadlines further out are flagged all the same)
HORIZON = 10


@cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of `year` by the law (a pure function of the year)."""
    if year < FIRST_YEAR:
        return {}
    from chinese_calendar import get_solar_terms
    from lunar_python import Lunar

    def lunar(month: int, day: int) -> dt.date:
        s = Lunar.fromYmd(year, month, day).getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    new_year = lunar(1, 1)
    for offset in range(-1, 3):  # 除夕, 初一, 初二, 初三
        days[new_year + dt.timedelta(days=offset)] = "春节"
    for day, term in get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10)):
        if term == "清明":
            days[day] = "清明节"
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = "劳动节"
    days[lunar(5, 5)] = "端午节"
    days[lunar(8, 15)] = "中秋节"
    for d in (1, 2, 3):
        days[dt.date(year, 10, d)] = "国庆节"
    # 除夕 of a lunar year can fall in the previous solar year only when 初一 is on 1 January,
    # which never happens (初一 is between 21 January and 20 February); keep the year's own days
    return {d: n for d, n in days.items() if d.year == year}
