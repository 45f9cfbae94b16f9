"""Audit: `audit.record(...)` inside every service's transaction; see services.py."""


def record(**kwargs):
    from yingshang.audit.services import record as _record

    return _record(**kwargs)


def record_return(**kwargs):
    from yingshang.audit.services import record_return as _record_return

    return _record_return(**kwargs)


def record_many(**kwargs):
    from yingshang.audit.services import record_many as _record_many

    return _record_many(**kwargs)
