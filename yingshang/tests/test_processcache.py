"""The per-process caches with caching ON (the rest of the suite runs with it off): how stale a
value may get, what clears it at once, and that no cache keeps model instances."""

import pytest
from django.db import models
from django.urls import reverse

from yingshang import processcache
from yingshang.org.models import Unit
from yingshang.org.names import unit_name
from yingshang.org.roles import Role
from yingshang.org.scope import grants

pytestmark = pytest.mark.django_db


@pytest.fixture
def caches_on(settings, monkeypatch):
    settings.PROCESS_CACHE_SECONDS = 10
    settings.ROLE_CACHE_SECONDS = 60
    settings.HOME_CARDS_CACHE_SECONDS = 20
    clock = [1000.0]
    monkeypatch.setattr(processcache.time, "monotonic", lambda: clock[0])
    processcache.clear_all()
    yield clock
    processcache.clear_all()


def test_a_change_made_elsewhere_shows_within_the_lifetime(personas, caches_on):
    unit = personas.unit_a
    assert unit_name(unit.pk) == unit.name
    # another process renames it (no signal reaches this one)
    Unit.objects.filter(pk=unit.pk).update(name="测试县市场监督管理局（新）")
    caches_on[0] += 9.9
    assert unit_name(unit.pk) == unit.name  # stale, within the 10 s bound
    caches_on[0] += 0.2
    assert unit_name(unit.pk) == "测试县市场监督管理局（新）"


def test_a_change_saved_in_this_process_shows_at_once(personas, caches_on):
    unit = personas.unit_a
    assert unit_name(unit.pk) == unit.name
    unit.name = "测试县市场监管局"
    unit.save()
    assert unit_name(unit.pk) == "测试县市场监管局"


def test_a_revoked_role_is_never_served_from_the_cache(personas, caches_on):
    from yingshang.org.models import User
    from yingshang.org.services import role_revoke

    handler = User.objects.get(pk=personas.handler_a.pk)
    assert grants(handler).has(Role.DEPT_HANDLER)
    assignment = handler.role_assignments.get(role=Role.DEPT_HANDLER, revoked_at__isnull=True)
    role_revoke(actor=personas.admin, assignment=assignment, reason="调岗")
    again = User.objects.get(pk=handler.pk)  # the next request reads the user row
    assert not grants(again).has(Role.DEPT_HANDLER)


def test_caches_off_means_always_fresh(personas, settings):
    settings.PROCESS_CACHE_SECONDS = 0
    assert unit_name(personas.unit_a.pk) == personas.unit_a.name
    Unit.objects.filter(pk=personas.unit_a.pk).update(name="改名")
    assert unit_name(personas.unit_a.pk) == "改名"


def _model_instances(value, path="") -> list[str]:
    if isinstance(value, models.Model):
        return [path or type(value).__name__]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _model_instances(v, f"{path}[{k!r}]")]
    if isinstance(value, list | tuple | set | frozenset):
        return [p for i, v in enumerate(value) for p in _model_instances(v, f"{path}[{i}]")]
    if hasattr(value, "__dataclass_fields__"):
        return [
            p
            for name in value.__dataclass_fields__
            for p in _model_instances(getattr(value, name), f"{path}.{name}")
        ]
    return []


def test_no_cache_keeps_model_instances_after_the_hot_paths_ran(personas, caches_on, client, login):
    # walk the pages that fill the caches: portal home, the catalogue, a staff home page
    client.get(reverse("portal:home"))
    client.get("/matters/")
    staff = login(personas.handler_a)
    staff.get("/staff/")
    unit_name(personas.unit_a.pk)
    filled = {name: cache for name, cache in processcache.caches().items() if len(cache)}
    assert filled, "the walk filled no cache: the test would prove nothing"
    found = []
    for name, cache in filled.items():
        for key, (_expires, value) in cache._entries.items():
            found += [f"{name}{key!r}: {p}" for p in _model_instances(value)]
    assert found == []


@pytest.mark.django_db(transaction=True)
def test_a_rate_limit_key_sums_its_older_buckets_once_per_bucket(caches_on, time_machine):
    """A request's limits are counted in one statement on PostgreSQL, which keeps the sum of a
    key's older buckets while its current bucket lasts (apiaccess.ratelimit.OLDER): the counts
    stay exact; a row written into an older bucket behind the limiter's back (no process does:
    that bucket's time is over) shows from the key's next bucket on."""
    import datetime as dt

    from django.db import connection
    from django.db.models import F

    from yingshang.apiaccess import ratelimit
    from yingshang.apiaccess.models import RateCount

    def at(second):
        time_machine.move_to(
            dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=second), tick=False
        )

    at(0)
    assert ratelimit.count("t:hot", window=60) == 1
    at(5)  # the next 5-second bucket
    assert [ratelimit.count("t:hot", window=60) for _ in range(3)] == [2, 3, 4]
    ten = int(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC).timestamp())
    RateCount.objects.filter(key=f"t:hot:{ten}").update(count=F("count") + 10)
    assert ratelimit.count("t:hot", window=60) == (5 if connection.vendor == "postgresql" else 15)
    at(10)
    assert ratelimit.count("t:hot", window=60) == 16
    at(65)  # 10:00:00's eleven have left the window; 10:00:05's four and 10:00:10's one count
    assert ratelimit.count("t:hot", window=60) == 6
    assert ratelimit.count_many([("t:hot", 60), ("t:other", 60)]) == [7, 1]
