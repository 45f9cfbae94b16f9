"""The cited knowledge article was a plain id until the knowledge app landed; now a foreign key
(same column, knowledge_article_id)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0002_default_limits"),
        ("knowledge", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="workorder", old_name="knowledge_article_id", new_name="knowledge_article"
        ),
        migrations.AlterField(
            model_name="workorder",
            name="knowledge_article",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="hotline_answers",
                to="knowledge.knowledgearticle",
                verbose_name="引用知识",
            ),
        ),
    ]
