"""Default time limits of DESIGN.md §6 (configurable afterwards in LimitRule)."""

from django.db import migrations

from yingshang.hotline.limits import DEFAULTS


def seed(apps, schema_editor):
    LimitRule = apps.get_model("hotline", "LimitRule")
    KpiConfig = apps.get_model("hotline", "KpiConfig")
    if not LimitRule.objects.exists():
        LimitRule.objects.bulk_create([
            LimitRule(purpose=p, category=c, urgency=u, amount=a, unit=un, same_day=sd, note=n)
            for p, c, u, a, un, sd, n in DEFAULTS
        ])
    KpiConfig.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
