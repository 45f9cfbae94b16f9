"""`yingshang migrate` with one work-around, used by the benchmarks only when the plain command
fails on PostgreSQL with psycopg's "incomplete placeholder" error.

yingshang/audit/migrations/0003_append_only_trigger.py passes SQL containing PL/pgSQL format
placeholders (`RAISE EXCEPTION '... % ... %'`) to `schema_editor.execute(SQL)`; the PostgreSQL
schema editor runs it through client-side parameter interpolation (params=()), which rejects a
bare `%`. The fix belongs in that migration (`schema_editor.execute(SQL, params=None)`); until it
lands, this wrapper makes exactly that call for that statement and leaves every other statement
alone.
"""

import os
import sys

# the code under test: the working tree, or an exported commit (bench/run.py --source)
sys.path.insert(
    0,
    os.environ.get("YS_BENCH_SOURCE")
    or os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingshang.settings")

from django.db.backends.postgresql.schema import DatabaseSchemaEditor

_original = DatabaseSchemaEditor.execute


def _execute(self, sql, params=()):
    if params == () and isinstance(sql, str) and "audit_refuse_change" in sql:
        params = None
    return _original(self, sql, params)


DatabaseSchemaEditor.execute = _execute

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yingshang", "migrate", *sys.argv[1:]])
