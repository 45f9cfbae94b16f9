import pytest

from yingshang.apiaccess import ratelimit
from yingshang.apiaccess.models import RateCount

pytestmark = pytest.mark.django_db


def test_a_key_is_refused_past_its_limit_within_the_window():
    assert [ratelimit.hit("t:ip:1", limit=2, window=60) for _ in range(3)] == [True, True, False]
    assert ratelimit.hit("t:ip:2", limit=2, window=60)  # another key has its own count


def test_old_windows_are_purged(time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    ratelimit.hit("t:old", limit=5, window=60)
    time_machine.move_to(dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC))
    ratelimit.hit("t:new", limit=5, window=60)
    assert ratelimit.purge() == 1
    assert list(RateCount.objects.values_list("count", flat=True)) == [1]
