"""The prebuilt-SQL paths of every API create (yingshang.rowload, yingshang.processcache,
org.scope.get_for's countywide read) must behave as the ORM paths they replace."""

import pytest
from django.http import Http404
from django.test import Client, override_settings

from yingshang import processcache
from yingshang.apiaccess import services
from yingshang.apiaccess.models import IdempotencyRecord
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.names import unit_name
from yingshang.rowload import RowInserter

pytestmark = pytest.mark.django_db


def test_token_of_a_deactivated_user_is_refused_at_once(personas):
    _token, secret = services.token_create(actor=personas.handler_a, name="对接")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/org/me").status_code == 200
    personas.handler_a.is_active = False
    personas.handler_a.save(update_fields=["is_active"])
    assert client.get("/api/v1/org/me").status_code == 401


def test_inserter_fills_defaults_and_skips_a_conflicting_row(personas):
    inserter = RowInserter(IdempotencyRecord, ignore_conflicts=True)
    first = IdempotencyRecord(
        principal="user:1",
        key="k1",
        endpoint="x.create",
        request_digest="d" * 64,
        status_code=201,
        response={"编号": "GD1", "n": [1, 2]},
    )
    assert inserter.insert(first) is True
    assert first.pk is not None and first.created_at is not None  # auto_now_add applied
    stored = IdempotencyRecord.objects.get(pk=first.pk)
    assert stored.response == {"编号": "GD1", "n": [1, 2]} and stored.status_code == 201

    again = IdempotencyRecord(
        principal="user:1",
        key="k1",
        endpoint="x.create",
        request_digest="e" * 64,
        status_code=200,
        response={},
    )
    assert inserter.insert(again) is False  # the unique key refused it, nothing raised
    assert again.pk is None
    assert IdempotencyRecord.objects.filter(key="k1").count() == 1


def test_inserter_runs_save_receivers_and_still_skips_a_conflict(personas):
    """Receivers run as save() runs them — post_save only for a row inserted — and a model with
    receivers keeps ON CONFLICT DO NOTHING (a save() would raise and break the transaction)."""
    from django.db import transaction
    from django.db.models.signals import post_save, pre_save

    seen = []

    def before(sender, instance, **kw):
        seen.append(("pre", instance.key, kw["raw"], kw["update_fields"]))

    def after(sender, instance, created, **kw):
        seen.append(("post", instance.key, created, instance.pk is not None))

    pre_save.connect(before, sender=IdempotencyRecord)
    post_save.connect(after, sender=IdempotencyRecord)
    try:
        inserter = RowInserter(IdempotencyRecord, ignore_conflicts=True)

        def record(digest):
            return IdempotencyRecord(
                principal="user:1",
                key="k2",
                endpoint="x.create",
                request_digest=digest * 64,
                status_code=201,
                response={},
            )

        with transaction.atomic():
            assert inserter.insert(record("d")) is True
            assert inserter.insert(record("e")) is False
            assert IdempotencyRecord.objects.filter(key="k2").count() == 1  # usable after
    finally:
        pre_save.disconnect(before, sender=IdempotencyRecord)
        post_save.disconnect(after, sender=IdempotencyRecord)
    assert seen == [
        ("pre", "k2", False, None),
        ("post", "k2", True, True),
        ("pre", "k2", False, None),
    ]


def test_countywide_read_by_key_is_the_row_and_misses_are_404(personas):
    unit = scope.get_for(personas.admin, Unit, personas.unit_a.pk)
    assert unit == personas.unit_a and unit.name == personas.unit_a.name
    for bad in (10**9, 10**20, -(2**63) - 1, "abc", None):
        with pytest.raises(Http404):
            scope.get_for(personas.admin, Unit, bad)


def test_a_cached_value_lives_for_its_seconds_and_a_save_clears_it(personas, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(processcache.time, "monotonic", lambda: clock[0])
    with override_settings(PROCESS_CACHE_SECONDS=10):
        old = personas.unit_a.name
        assert unit_name(personas.unit_a.pk) == old
        Unit.objects.filter(pk=personas.unit_a.pk).update(name="改名后的单位")  # no signal
        assert unit_name(personas.unit_a.pk) == old  # still cached
        clock[0] += 11
        assert unit_name(personas.unit_a.pk) == "改名后的单位"  # expired
        personas.unit_a.refresh_from_db()
        personas.unit_a.name = "再次改名"
        personas.unit_a.save()  # post_save clears the cache of this process at once
        assert unit_name(personas.unit_a.pk) == "再次改名"


def test_a_changed_rate_limit_applies_at_once_in_the_saving_process(personas):
    from yingshang.ratings import ratelimit
    from yingshang.ratings.models import RatingSettings

    with override_settings(PROCESS_CACHE_SECONDS=10):
        conf = RatingSettings.current()
        conf.public_per_object_per_minute = 2
        conf.save()
        assert (
            ratelimit.SETTINGS.get("current", RatingSettings.current).public_per_object_per_minute
            == 2
        )
        conf.public_per_object_per_minute = 7
        conf.save()
        assert (
            ratelimit.SETTINGS.get("current", RatingSettings.current).public_per_object_per_minute
            == 7
        )


def test_processcache_is_off_when_its_seconds_are_zero(personas):
    calls = []
    cache = processcache.TTLCache("test.off")
    with override_settings(PROCESS_CACHE_SECONDS=0):
        cache.get("k", lambda: calls.append(1))
        cache.get("k", lambda: calls.append(1))
    assert len(calls) == 2
