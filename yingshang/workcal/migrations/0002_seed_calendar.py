"""Seed the calendar for 2004–2026 from the chinese-calendar package, and the default working
hours. Later years are entered by the admin (the State Council publishes them in November)."""

from django.db import migrations


def seed(apps, schema_editor):
    from chinese_calendar.constants import holidays, workdays

    CalendarDay = apps.get_model("workcal", "CalendarDay")
    CalendarYear = apps.get_model("workcal", "CalendarYear")
    WorkSchedule = apps.get_model("workcal", "WorkSchedule")
    names = {
        "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
        "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
        "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
    }
    rows = []
    for day, name in holidays.items():
        if 2004 <= day.year <= 2026:
            rows.append(CalendarDay(date=day, kind="holiday", name=names.get(name, name)))
    for day, name in workdays.items():
        if 2004 <= day.year <= 2026:
            rows.append(CalendarDay(date=day, kind="workday", name=f"{names.get(name, name)}调休上班"))
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([r for r in rows if r.date not in existing], batch_size=500)
    for year in range(2004, 2027):
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinese-calendar 数据包（国务院办公厅节假日安排通知）"})
    WorkSchedule.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("workcal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
