"""Case numbers now come from yingshang.numbering (series "case:YYYY-MM-DD"): the per-day
counters are copied there first, so a number already handed out is never handed out again."""

from django.db import migrations


def copy_counters(apps, schema_editor):
    CaseCounter = apps.get_model("cases", "CaseCounter")
    Counter = apps.get_model("numbering", "Counter")
    for row in CaseCounter.objects.all().iterator():
        series = f"case:{row.day.isoformat()}"
        counter, created = Counter.objects.get_or_create(series=series, defaults={"last": row.last})
        if not created and counter.last < row.last:
            counter.last = row.last
            counter.save(update_fields=["last"])


def copy_back(apps, schema_editor):
    import datetime as dt

    CaseCounter = apps.get_model("cases", "CaseCounter")
    Counter = apps.get_model("numbering", "Counter")
    for counter in Counter.objects.filter(series__startswith="case:"):
        day = dt.date.fromisoformat(counter.series.removeprefix("case:"))
        CaseCounter.objects.update_or_create(day=day, defaults={"last": counter.last})


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_alter_case_applicant_and_more"),
        ("numbering", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_counters, copy_back),
        migrations.DeleteModel(name="CaseCounter"),
    ]
