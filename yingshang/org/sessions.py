"""Django's database sessions (SESSION_ENGINE), the row read with SQL built once per process
instead of an ORM query compiled on every request (yingshang.rowload). Same table, same
expiry rule, same behaviour otherwise."""

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from yingshang.rowload import RowLoader


@cache
def _sessions() -> RowLoader:
    return RowLoader(db.SessionStore.get_model_class(), "session_key = %s AND expire_date > %s")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        if key:
            loader = _sessions()
            ops = connections[router.db_for_read(loader.model)].ops
            row = loader.one([key, ops.adapt_datetimefield_value(timezone.now())])
            if row is not None:
                return row
        self._session_key = None
        return None
