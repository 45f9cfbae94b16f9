"""Migration operations the built-in ones get wrong for this project."""

from django.db import migrations
from django.db.models import Index


class DropFieldIndex(migrations.AlterField):
    """`AlterField` to `db_index=False` that drops only the field's own index.

    On PostgreSQL Django's schema editor drops *every* non-model-index index on the lone column,
    which includes partial unique indexes of `UniqueConstraint(fields=[that field], condition=…)`
    (one rating per window visit, per work order): the rule would silently go. Here only the
    plain, non-unique single-column indexes (the field index and its `_like` twin) are dropped;
    other databases (SQLite rebuilds the table with every constraint) use AlterField as it is.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return None
        column = model._meta.get_field(self.name).column
        keep = {i.name for i in model._meta.indexes} | {c.name for c in model._meta.constraints}
        for name in schema_editor._constraint_names(
            model, [column], index=True, unique=False, type_=Index.suffix, exclude=keep
        ):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))
        return None

    def describe(self):
        return f"Drop the index of field {self.name} on {self.model_name}"
