"""Seed the calendar for 2004–2026 from the chinese-calendar package, and the default working
hours. Later years are entered by the admin (the State Council publishes them in November)."""

from django.db import migrations


def seed(apps, schema_editor):
    from yingshang.workcal.seed import seed_calendar

    seed_calendar(apps.get_model("workcal", "CalendarDay"), apps.get_model("workcal", "CalendarYear"),
                  apps.get_model("workcal", "WorkSchedule"))


class Migration(migrations.Migration):
    dependencies = [("workcal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
