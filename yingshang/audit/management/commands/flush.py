"""Django's `flush`, which on SQLite lifts the audit tables' append-only triggers for its own
transaction (yingshang/audit/triggers.py): the counterpart of PostgreSQL's TRUNCATE, which row
triggers do not see and which needs table ownership. Transactional tests flush through this."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from yingshang.audit import triggers


class Command(FlushCommand):
    def handle(self, **options):
        database = options.get("database") or DEFAULT_DB_ALIAS
        connection = connections[database]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        # one transaction: the triggers are back when the tables are empty, or never left
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                dropped = triggers.drop_sqlite(cursor)
            super().handle(**options)
            with connection.cursor() as cursor:
                triggers.create_sqlite(cursor, dropped)
        return None
