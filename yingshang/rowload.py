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
    """`where` names columns of the model's table; with `join="<foreign key>"` the related row
    is read in the same statement (an inner join: no related row, no result) and set on the
    instance — columns in `where` are then qualified with the table names."""

    def __init__(self, model, where: str, *, join: str | None = None):
        self.model = model
        self.where = where
        self.join = join
        self._prepared: dict[str, tuple] = {}

    def _prepare(self, alias: str):
        prepared = self._prepared.get(alias)
        if prepared is None:
            connection = connections[alias]
            opts = self.model._meta
            qn = connection.ops.quote_name
            fields = list(opts.concrete_fields)
            cols = [f.get_col(opts.db_table) for f in fields]
            select = [f"{qn(opts.db_table)}.{qn(f.column)}" for f in fields]
            source = qn(opts.db_table)
            related = None
            if self.join:
                fk = opts.get_field(self.join)
                ropts = fk.related_model._meta
                rfields = list(ropts.concrete_fields)
                cols += [f.get_col(ropts.db_table) for f in rfields]
                select += [f"{qn(ropts.db_table)}.{qn(f.column)}" for f in rfields]
                source += (
                    f" JOIN {qn(ropts.db_table)} ON {qn(ropts.db_table)}.{qn(ropts.pk.column)}"
                    f" = {qn(opts.db_table)}.{qn(fk.column)}"
                )
                related = (fk.name, fk.related_model, [f.attname for f in rfields])
            sql = f"SELECT {', '.join(select)} FROM {source} WHERE {self.where}"  # noqa: S608 - names from the model
            compiler = self.model._default_manager.none().query.get_compiler(alias)
            converters = compiler.get_converters(cols)
            prepared = (sql, compiler, converters, [f.attname for f in fields], related)
            self._prepared[alias] = prepared
        return prepared

    def one(self, params: list):
        """The first matching row as a model instance, or None."""
        alias = router.db_for_read(self.model)
        sql, compiler, converters, names, related = self._prepare(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:
            row = next(iter(compiler.apply_converters([row], converters)))
        if related is None:
            return self.model.from_db(alias, names, row)
        row = list(row)
        obj = self.model.from_db(alias, names, row[: len(names)])
        name, model, rnames = related
        setattr(obj, name, model.from_db(alias, rnames, row[len(names) :]))
        return obj


class RowInserter:
    """INSERT of one model instance with the SQL built once per process — what `Model.save()`
    does for a new row (field defaults, `auto_now_add`, the database's value preparation,
    RETURNING the primary key) without compiling an InsertQuery each time (~0.5 ms of Python
    per row on the benchmark machine). For the few rows written on every API create (the
    object, its audit event, the idempotency record).

    `ignore_conflicts=True` adds `ON CONFLICT DO NOTHING`: a row refused by a unique constraint
    (or partial unique index) is not inserted and `insert()` returns False — no exception, so no
    savepoint is needed around it. pre_save and post_save receivers run as `save()` would run
    them (raw=False, update_fields=None): pre_save before the values are read, post_save only
    for a row inserted."""

    def __init__(self, model, *, ignore_conflicts: bool = False):
        self.model = model
        self.ignore_conflicts = ignore_conflicts
        self._prepared: dict[str, tuple] = {}

    def _prepare(self, alias: str):
        prepared = self._prepared.get(alias)
        if prepared is None:
            connection = connections[alias]
            opts = self.model._meta
            pk = opts.pk
            generated = pk.db_returning  # an auto-incrementing key the database assigns
            fields = [f for f in opts.concrete_fields if not (f is pk and generated)]
            qn = connection.ops.quote_name
            conflict = " ON CONFLICT DO NOTHING" if self.ignore_conflicts else ""

            def parts(columns):
                return (
                    f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in columns)}) VALUES ",  # noqa: S608 - names from the model
                    f"({', '.join(['%s'] * len(columns))})",
                    f"{conflict} RETURNING {qn(pk.column)}",
                )

            many = parts(fields)
            sql = "".join(many)
            # a key set before the insert (taken from the sequence) is written with the row
            sql_pk = "".join(parts([pk, *fields])) if generated else sql
            prepared = (sql, sql_pk, fields, many)
            self._prepared[alias] = prepared
        return prepared

    def insert(self, obj) -> bool:
        """Insert `obj` (a new instance); sets its pk. False when a conflict skipped it."""
        from django.db.models.signals import post_save, pre_save

        model = self.model
        alias = router.db_for_write(model, instance=obj)
        if pre_save.has_listeners(model):
            pre_save.send(sender=model, instance=obj, raw=False, using=alias, update_fields=None)
        sql, sql_pk, fields, _many = self._prepare(alias)
        connection = connections[alias]  # per thread: not kept with the SQL
        values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
        pk = model._meta.pk
        if obj.pk is not None and sql_pk is not sql:
            sql = sql_pk
            values.insert(0, pk.get_db_prep_save(obj.pk, connection))
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            row = cursor.fetchone()
        if row is None:
            return False
        setattr(obj, pk.attname, row[0])
        obj._state.adding = False
        obj._state.db = alias
        if post_save.has_listeners(model):
            post_save.send(
                sender=model, instance=obj, created=True, update_fields=None, raw=False, using=alias
            )
        return True

    def insert_many(self, objs: list) -> None:
        """Insert new instances (without preset keys) in one statement; sets their pks."""
        if not objs:
            return
        from django.db.models.signals import post_save, pre_save

        model = self.model
        if self.ignore_conflicts or pre_save.has_listeners(model) or post_save.has_listeners(model):
            raise ValueError("insert_many() is for plain inserts of models without receivers")
        alias = router.db_for_write(model)
        _sql, _sql_pk, fields, (head, row_marks, tail) = self._prepare(alias)
        connection = connections[alias]
        values = []
        for obj in objs:
            values.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
        statement = head + ", ".join([row_marks] * len(objs)) + tail
        with connection.cursor() as cursor:
            cursor.execute(statement, values)
            rows = cursor.fetchall()
        pk = model._meta.pk
        for obj, row in zip(objs, rows, strict=True):
            setattr(obj, pk.attname, row[0])
            obj._state.adding = False
            obj._state.db = alias


def key_fits(value) -> bool:
    """Whether a key value can be sent to a prebuilt statement: an integer outside 64 bits would
    fail in the database, where the ORM just finds no row."""
    return not isinstance(value, int) or -(2**63) <= value < 2**63


_by_pk: dict[type, RowLoader] = {}


def by_pk(model, key):
    """The `model` row whose primary key is `key` (already converted: `pk.to_python`), or None —
    also for a key no row can have."""
    if not key_fits(key):
        return None
    loader = _by_pk.get(model)
    if loader is None:
        loader = _by_pk[model] = RowLoader(model, f"{model._meta.pk.column} = %s")
    return loader.one([key])
