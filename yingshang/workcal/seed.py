"""The 2004–2026 calendar from the chinese-calendar package (used by the data migration and by
tests that flush the database)."""

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
SOURCE = "chinese-calendar 数据包（国务院办公厅节假日安排通知）"
FIRST_YEAR, LAST_YEAR = 2004, 2026


def seed_calendar(CalendarDay, CalendarYear, WorkSchedule) -> int:
    from chinese_calendar.constants import holidays, workdays

    rows = [
        CalendarDay(date=day, kind="holiday", name=NAMES.get(name, name))
        for day, name in holidays.items()
        if FIRST_YEAR <= day.year <= LAST_YEAR
    ] + [
        CalendarDay(date=day, kind="workday", name=f"{NAMES.get(name, name)}调休上班")
        for day, name in workdays.items()
        if FIRST_YEAR <= day.year <= LAST_YEAR
    ]
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([r for r in rows if r.date not in existing], batch_size=500)
    known = set(CalendarYear.objects.values_list("year", flat=True))
    CalendarYear.objects.bulk_create(
        [
            CalendarYear(year=y, source=SOURCE)
            for y in range(FIRST_YEAR, LAST_YEAR + 1)
            if y not in known
        ]
    )
    WorkSchedule.objects.get_or_create(pk=1)
    return len(rows)


def ensure_seeded() -> None:
    from yingshang.workcal.models import CalendarDay, CalendarYear, WorkSchedule

    if not CalendarYear.objects.filter(year=LAST_YEAR).exists():
        seed_calendar(CalendarDay, CalendarYear, WorkSchedule)
