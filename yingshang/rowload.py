"""Reading one row by key on every request, without compiling an ORM query each time.

The session, the logged-in user and the API token are read on every request. Building those
queries through the ORM cost ~0.4–0.5 ms of Python each on the benchmark machine, several times
the database's own time; the SQL never changes, so it is built once per process here and the
row goes through the same database converters the ORM applies (SQLite returns datetimes as
text, JSON comes back as text, …).

    USERS = RowLoader(User, "id = %s")
    user = USERS.one([pk])      # a User instance, or None
"""

from django.db import connections, router


class RowLoader:
    def __init__(self, model, where: str):
        self.model = model
        self.where = where
        self._prepared: dict[str, tuple] = {}

    def _prepare(self, alias: str):
        prepared = self._prepared.get(alias)
        if prepared is None:
            connection = connections[alias]
            opts = self.model._meta
            fields = list(opts.concrete_fields)
            qn = connection.ops.quote_name
            sql = (
                f"SELECT {', '.join(qn(f.column) for f in fields)} "  # noqa: S608 - names from the model
                f"FROM {qn(opts.db_table)} WHERE {self.where}"
            )
            compiler = self.model._default_manager.none().query.get_compiler(alias)
            converters = compiler.get_converters([f.get_col(opts.db_table) for f in fields])
            prepared = (sql, compiler, converters, [f.attname for f in fields])
            self._prepared[alias] = prepared
        return prepared

    def one(self, params: list):
        """The first matching row as a model instance, or None."""
        alias = router.db_for_read(self.model)
        sql, compiler, converters, names = self._prepare(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:
            row = next(iter(compiler.apply_converters([row], converters)))
        return self.model.from_db(alias, names, row)
