"""The default publicity periods and 联合惩戒 rules (credit/defaults.py), and the state of the
listings made before listings had one (an inactive listing was removed)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from yingshang.credit.defaults import ensure_defaults

    ensure_defaults(apps.get_model("credit", "PublicityRule"), apps.get_model("credit", "SanctionRule"))
    apps.get_model("credit", "DishonestListing").objects.filter(active=False).update(status="removed")


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_full_credit_file")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
