"""Problem numbers now come from yingshang.numbering (series "problem:<year>"): the yearly
counters move there, so no number is handed out twice, and the ledger's own Counter goes."""

from django.db import migrations


def copy_counters(apps, schema_editor):
    Old = apps.get_model("supervision", "Counter")
    New = apps.get_model("numbering", "Counter")
    for row in Old.objects.all():
        series = f"problem:{row.year}"
        counter, created = New.objects.get_or_create(series=series, defaults={"last": row.last})
        if not created and counter.last < row.last:
            counter.last = row.last
            counter.save(update_fields=["last"])


def copy_back(apps, schema_editor):
    Old = apps.get_model("supervision", "Counter")
    New = apps.get_model("numbering", "Counter")
    for row in New.objects.filter(series__startswith="problem:"):
        Old.objects.update_or_create(year=int(row.series.split(":", 1)[1]), defaults={"last": row.last})


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("numbering", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_counters, copy_back),
        migrations.DeleteModel(name="Counter"),
    ]
