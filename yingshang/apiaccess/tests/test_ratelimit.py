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
    time_machine.move_to(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC))
    ratelimit.hit("t:new", limit=5, window=60)
    assert ratelimit.purge() == 1
    assert list(RateCount.objects.values_list("count", flat=True)) == [1]


def test_five_per_hour_holds_for_the_whole_hour_not_until_the_clock_turns(time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 55, tzinfo=dt.UTC), tick=False)
    assert all(ratelimit.hit("t:portal", limit=5, window=3600) for _ in range(5))
    for minute in (11 * 60, 11 * 60 + 5, 11 * 60 + 30, 11 * 60 + 54):
        time_machine.move_to(
            dt.datetime(2026, 3, 2, minute // 60, minute % 60, tzinfo=dt.UTC), tick=False
        )
        assert not ratelimit.hit("t:portal", limit=5, window=3600), minute
    # an hour and five minutes after the five: the window has passed (the refused tries above
    # were counted too, and have aged out with them by now)
    time_machine.move_to(dt.datetime(2026, 3, 2, 13, 0, tzinfo=dt.UTC), tick=False)
    assert ratelimit.hit("t:portal", limit=5, window=3600)


def test_peek_counts_the_same_window_as_hit(time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False)
    ratelimit.hit("t:peek", limit=5, window=3600)
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 59, tzinfo=dt.UTC), tick=False)
    ratelimit.hit("t:peek", limit=5, window=3600)
    assert ratelimit.peek("t:peek", window=3600) == 2
    time_machine.move_to(dt.datetime(2026, 3, 2, 11, 10, tzinfo=dt.UTC), tick=False)
    assert ratelimit.peek("t:peek", window=3600) == 1


def test_an_applicant_account_is_limited_per_minute_and_others_are_not_affected(
    personas, api_client, settings
):
    from yingshang.hotline.models import WorkOrder

    settings.API_WRITES_PER_MINUTE = 3
    body = {"content": "小区门口路灯不亮已经三天了", "anonymous": True}
    mine = api_client(personas.applicant)
    codes = [
        mine.post("/api/v1/hotline/orders", body, content_type="application/json").status_code
        for _ in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    refused = mine.post("/api/v1/hotline/orders", body, content_type="application/json").json()
    assert refused["code"] == "RATE_LIMITED"
    assert WorkOrder.objects.count() == 3
    other = api_client(personas.firm_user)
    response = other.post(
        "/api/v1/hotline/orders", body, content_type="application/json", REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 201


def test_one_address_is_limited_across_applicant_accounts(personas, api_client, settings):
    from yingshang.org.models import User

    settings.API_WRITES_PER_IP_PER_MINUTE = 2
    third = User.objects.create_user("lisi", password="x", kind=User.Kind.PERSON, real_name="李四")
    body = {"content": "小区门口路灯不亮已经三天了", "anonymous": True}
    codes = [
        api_client(who)
        .post("/api/v1/hotline/orders", body, content_type="application/json")
        .status_code
        for who in (personas.applicant, personas.firm_user, third)
    ]
    assert codes == [201, 201, 429]


def test_reads_are_not_counted_as_writes(personas, api_client, settings):
    settings.API_WRITES_PER_MINUTE = 1
    client = api_client(personas.applicant)
    for _ in range(3):
        assert client.get("/api/v1/hotline/orders").status_code == 200


def test_public_page_writes_are_limited_per_address(client, settings):
    settings.API_WRITES_PER_IP_PER_MINUTE = 3
    codes = [
        client.post("/hotline/lookup/", {"number": "GD1", "phone": "13700001111"}).status_code
        for _ in range(4)
    ]
    assert 429 not in codes[:3] and codes[3] == 429
    assert "操作过于频繁" in client.post("/hotline/lookup/", {}).content.decode()


def test_staff_page_writes_are_not_counted_per_address(login, personas, settings):
    settings.API_WRITES_PER_IP_PER_MINUTE = 1
    client = login(personas.operator)
    codes = [client.post("/staff/inbox/", {"all": "1"}).status_code for _ in range(3)]
    assert 429 not in codes


@pytest.mark.django_db(transaction=True)
def test_counts_outside_a_transaction_add_up_across_the_buckets_of_the_window(time_machine):
    """The path a request takes (no transaction open): on PostgreSQL one statement that counts
    and sums; the counts must be those of the path inside a transaction."""
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False)
    assert [ratelimit.count("t:tx", window=3600) for _ in range(3)] == [1, 2, 3]
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC), tick=False)
    assert ratelimit.count("t:tx", window=3600) == 4  # a new bucket, the old ones still count
    assert [ratelimit.hit("t:tx2", limit=1, window=60) for _ in range(2)] == [True, False]
    time_machine.move_to(dt.datetime(2026, 3, 2, 11, 10, tzinfo=dt.UTC), tick=False)
    assert ratelimit.count("t:tx", window=3600) == 2  # 10:00's three have aged out


@pytest.mark.django_db(transaction=True)
def test_several_keys_count_together_each_in_its_own_window(time_machine):
    """An applicant's API write counts its address, its account per minute and per hour at
    once (one statement on PostgreSQL): each key keeps its own count and window, and every key
    counts even when another is already over its limit."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False)
    assert ratelimit.count("m:hour", window=3600) == 1
    with CaptureQueriesContext(connection) as queries:
        assert ratelimit.count_many([("m:ip", 60), ("m:hour", 3600), ("m:min", 60)]) == [1, 2, 1]
    if connection.vendor == "postgresql":
        assert len(queries.captured_queries) == 1
    limits = [("m:ip", 2, 60), ("m:min", 5, 60)]
    assert ratelimit.hit_all(limits)  # m:ip 2, m:min 2
    assert not ratelimit.hit_all(limits)  # m:ip 3 — over
    assert ratelimit.count("m:min", window=60) == 4  # counted while m:ip was over
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 2, tzinfo=dt.UTC), tick=False)
    assert ratelimit.count_many([("m:ip", 60), ("m:hour", 3600)]) == [1, 3]
    # the same key twice in one call counts twice (the rows cannot be upserted in one statement)
    assert ratelimit.count_many([("m:dup", 60), ("m:dup", 60)]) == [2, 2]
