"""Default time limits of DESIGN.md §6 (configurable afterwards in LimitRule)."""

from django.db import migrations

DEFAULTS = [
    # purpose, category, urgency, amount, unit, same_day, note
    ("sign", "", "", 2, "working_hours", False, "签收：派单后2个工作小时内"),
    ("handle", "", "urgent", 4, "working_hours", True, "紧急：当日答复（当日剩余不足1小时则4个工作小时）"),
    ("handle", "", "critical", 2, "working_hours", False, "特急：2个工作小时"),
    ("handle", "consult", "", 3, "working_days", False, "咨询：3个工作日"),
    ("handle", "help", "", 3, "working_days", False, "求助：3个工作日"),
    ("handle", "praise", "", 3, "working_days", False, "表扬：3个工作日"),
    ("handle", "complaint", "", 13, "working_days", False, "投诉：派单次日起13个工作日"),
    ("handle", "report", "", 13, "working_days", False, "举报：派单次日起13个工作日"),
    ("handle", "suggestion", "", 13, "working_days", False, "建议：派单次日起13个工作日"),
    ("callback", "", "", 1, "working_days", False, "回访：答复后1个工作日内"),
]


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
