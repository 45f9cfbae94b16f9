from django.db import migrations


def add(apps, schema_editor):
    from yingshang.policies.fixed_tags import ensure_tags

    ensure_tags(apps.get_model("policies", "Tag"))


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
