import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from yingshang.assessment import services
from yingshang.assessment.tests import factories as f
from yingshang.workcal.calendar import TZ


@pytest.fixture
def december():
    with time_machine.travel(dt.datetime(2026, 12, 3, 9, 0, tzinfo=TZ), tick=True):
        yield


@pytest.fixture
def dataset(personas, december):
    """Five departments with November orders (A, B = personas' unit_a, unit_b):

    unit  orders  signed on time  satisfied   response  satisfaction
    A     10      9               8           90.00     80.00
    B     10      8               10          80.00     100.00
    C     10      10              6           100.00    60.00
    D     3       3               3           —  below the minimum sample of 5
    E     10      7               5           70.00     50.00
    """
    p = personas
    c = f.department("dept-c", "丙局", p.county)
    d = f.department("dept-d", "丁局", p.county)
    e = f.department("dept-e", "戊局", p.county)
    f.orders(p.unit_a, 10, on_time=9, satisfied=8)
    f.orders(p.unit_b, 10, on_time=8, satisfied=10)
    f.orders(c, 10, on_time=10, satisfied=6)
    f.orders(d, 3, on_time=3, satisfied=3)
    f.orders(e, 10, on_time=7, satisfied=5)
    scheme = f.scheme(p.supervisor)
    return SimpleNamespace(p=p, a=p.unit_a, b=p.unit_b, c=c, d=d, e=e, scheme=scheme)


@pytest.fixture
def compute(django_capture_on_commit_callbacks):
    """Request a ranking as `actor` and run the background task it queues."""

    def run(actor, period="2026-11", reason=""):
        with django_capture_on_commit_callbacks(execute=True):
            snapshot = services.snapshot_request(actor=actor, period_key=period, reason=reason)
        snapshot.refresh_from_db()
        return snapshot

    return run
