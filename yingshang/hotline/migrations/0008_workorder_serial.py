"""Work-order numbers from a serial series (yingshang.numbering.serial): on PostgreSQL a
SEQUENCE, on SQLite the counter row "workorder". Both start above every serial already in a
number (GD + 8-digit day + serial), so no new number repeats an old one."""

from django.db import migrations
from django.db.models.functions import Length, Substr

SEQUENCE = "numbering_workorder"


def start_serial(apps, schema_editor):
    WorkOrder = apps.get_model("hotline", "WorkOrder")
    Counter = apps.get_model("numbering", "Counter")
    highest = 0
    for tail in (
        WorkOrder.objects.filter(number__startswith="GD")
        .annotate(n=Length("number"))
        .filter(n__gt=10)
        .annotate(tail=Substr("number", 11))
        .values_list("tail", flat=True)
        .iterator(chunk_size=10_000)
    ):
        if tail.isdigit():
            highest = max(highest, int(tail))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START WITH {highest + 1}")
    else:
        Counter.objects.update_or_create(series="workorder", defaults={"last": highest})


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0007_workorder_handler"),
        ("numbering", "0001_initial"),
    ]

    operations = [migrations.RunPython(start_serial, drop_sequence)]
