"""The database holds every rule the models declare: after all migrations, each constraint and
index of every Yingshang model exists (a migration that drops one — say the partial unique index
behind "one rating per window visit" — fails here on the database it ran on)."""

import pytest
from django.apps import apps
from django.db import connection


def _yingshang_models():
    for model in apps.get_models():
        if model.__module__.startswith("yingshang.") and model._meta.managed:
            yield model


@pytest.mark.django_db
def test_every_declared_constraint_and_index_is_in_the_database():
    missing = []
    with connection.cursor() as cursor:
        for model in _yingshang_models():
            present = set(connection.introspection.get_constraints(cursor, model._meta.db_table))
            for rule in (*model._meta.constraints, *model._meta.indexes):
                if rule.name not in present:
                    missing.append(f"{model._meta.label}: {rule.name}")
    assert missing == []
