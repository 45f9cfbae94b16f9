"""The keyed chain (docs/audit.md): events get their hash scheme (existing rows: 1, the unkeyed
SHA-256 they were written with, so they keep verifying by that rule); return records get their
own chain (rseq, prev_mac, mac; empty for existing rows, which stay uncovered). No existing row is
rewritten: the append-only triggers stay on and no key is needed to migrate."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_chain_head_function")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="returnrecord",
            name="rseq",
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="returnrecord",
            name="prev_mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="returnrecord",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
