"""Where reads go with a read replica (yingshang.dbrouting). The `replica` alias of the test
settings is a second connection to the test database (TEST MIRROR), so what is proved here is
the routing: which connection each query runs on."""

import os
import subprocess
import sys
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from yingshang import dbrouting
from yingshang.dbrouting import PRIMARY, REPLICA, ReadYourWritesMiddleware, primary, reporting

BOTH = ["default", "replica"]


@pytest.fixture
def replica_on(settings, monkeypatch):
    settings.DATABASE_REPLICA_URL = "postgres://replica.test/yingshang"
    settings.REPLICA_MAX_LAG_SECONDS = 10
    settings.READ_YOUR_WRITES_SECONDS = 15
    dbrouting._HEALTH.clear()
    lag = {"seconds": 0.0, "measured": 0}

    def measure():
        lag["measured"] += 1
        return lag["seconds"]

    monkeypatch.setattr(dbrouting, "replica_lag_seconds", measure)
    yield lag
    dbrouting._HEALTH.clear()


@pytest.mark.django_db
def test_without_replica_url_reporting_reads_the_primary(settings):
    settings.DATABASE_REPLICA_URL = ""
    with reporting() as alias:
        assert alias == PRIMARY
        assert Group.objects.all().db == PRIMARY


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reporting_reads_run_on_the_replica_and_writes_on_the_primary(replica_on):
    Group.objects.create(name="营商办")
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
        reporting() as alias,
    ):
        names = list(Group.objects.values_list("name", flat=True))
        written = Group.objects.create(name="写在主库")
    assert alias == REPLICA
    assert names == ["营商办"]
    assert written._state.db == PRIMARY
    assert any("SELECT" in q["sql"] and "auth_group" in q["sql"] for q in on_replica)
    assert not any("INSERT" in q["sql"] for q in on_replica)
    assert any("INSERT" in q["sql"] for q in on_primary)


@pytest.mark.django_db
def test_reads_outside_a_reporting_block_use_the_primary(replica_on):
    assert Group.objects.all().db == PRIMARY
    with reporting():
        assert Group.objects.all().db == REPLICA
        with primary():
            assert Group.objects.all().db == PRIMARY
        assert Group.objects.all().db == REPLICA
    assert Group.objects.all().db == PRIMARY


@pytest.mark.django_db
def test_a_transaction_on_the_primary_reads_the_primary(replica_on):
    with transaction.atomic(), reporting() as alias:
        assert alias == PRIMARY
    with reporting():
        with transaction.atomic():  # a rollup refreshed inside a report reads what it writes
            assert Group.objects.all().db == PRIMARY
        assert Group.objects.all().db == REPLICA


@pytest.mark.django_db
@pytest.mark.parametrize(("lag", "expected"), [(0.0, REPLICA), (9.5, REPLICA), (60.0, PRIMARY)])
def test_a_replica_lagging_past_the_bound_is_not_read(replica_on, lag, expected):
    replica_on["seconds"] = lag
    with reporting() as alias:
        assert alias == expected
        assert Group.objects.all().db == expected


@pytest.mark.django_db
def test_an_unreachable_replica_is_not_read(replica_on):
    replica_on["seconds"] = None
    with reporting() as alias:
        assert alias == PRIMARY


@pytest.mark.django_db
def test_replica_health_is_measured_at_most_once_per_interval(replica_on, settings):
    settings.REPLICA_CHECK_SECONDS = 5
    replica_on["seconds"] = None
    with reporting() as first:
        pass
    replica_on["seconds"] = 0.0  # back up: noticed only once the interval has passed
    with reporting() as second:
        pass
    assert (first, second, replica_on["measured"]) == (PRIMARY, PRIMARY, 1)
    dbrouting._HEALTH.clear()  # the interval has passed
    with reporting() as third:
        pass
    assert (third, replica_on["measured"]) == (REPLICA, 2)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_real_lag_measure_on_the_test_mirror_is_zero():
    # not in recovery (PostgreSQL) or SQLite: nothing to replay
    assert dbrouting.replica_lag_seconds() == 0.0


def _alias_seen_by_view():
    seen = {}

    def view(request):
        with reporting() as alias:
            seen["alias"] = alias
        return HttpResponse("ok")

    return seen, ReadYourWritesMiddleware(view)


@pytest.mark.django_db
def test_a_browser_that_just_wrote_reads_its_writes_from_the_primary(replica_on, monkeypatch):
    rf = RequestFactory()
    seen, middleware = _alias_seen_by_view()
    posted = middleware(rf.post("/staff/cases/1/accept/"))
    assert seen["alias"] == PRIMARY  # the writing request itself
    cookie = posted.cookies[dbrouting.WROTE_COOKIE]
    assert cookie["max-age"] == 15 and cookie["httponly"]

    following = rf.get("/staff/hotline/kpis/")
    following.COOKIES[dbrouting.WROTE_COOKIE] = cookie.value
    middleware(following)
    assert seen["alias"] == PRIMARY

    later = time.time() + 16
    monkeypatch.setattr(dbrouting.time, "time", lambda: later)
    middleware(following)
    assert seen["alias"] == REPLICA  # past the bound the replica has the write


@pytest.mark.django_db
def test_a_forged_or_absent_write_cookie_does_not_pin(replica_on):
    rf = RequestFactory()
    seen, middleware = _alias_seen_by_view()
    forged = rf.get("/staff/hotline/kpis/")
    forged.COOKIES[dbrouting.WROTE_COOKIE] = str(time.time())
    middleware(forged)
    assert seen["alias"] == REPLICA
    response = middleware(rf.get("/staff/hotline/kpis/"))
    assert seen["alias"] == REPLICA
    assert dbrouting.WROTE_COOKIE not in response.cookies  # a read sets nothing


@pytest.mark.django_db
def test_a_refused_write_does_not_pin(replica_on):
    def view(request):
        return HttpResponse("bad", status=400)

    response = ReadYourWritesMiddleware(view)(RequestFactory().post("/x/"))
    assert dbrouting.WROTE_COOKIE not in response.cookies


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_kpi_page_reads_the_replica_until_the_user_writes(replica_on, client):
    from yingshang.testing.personas import make_personas

    p = make_personas()
    client.force_login(p.supervisor)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get("/staff/hotline/kpis/")
    assert response.status_code == 200
    assert any("hotline_workorder" in q["sql"] for q in on_replica)

    # a successful write (here: switching the language, a POST) pins the browser
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    assert client.cookies[dbrouting.WROTE_COOKIE].value
    with CaptureQueriesContext(connections[REPLICA]) as after_write:
        response = client.get("/staff/hotline/kpis/")
    assert response.status_code == 200
    assert not any("hotline_workorder" in q["sql"] for q in after_write)


def _settings_in_a_fresh_process(env: dict) -> str:
    code = (
        "import django, os, json; os.environ['DJANGO_SETTINGS_MODULE']='yingshang.settings';"
        "django.setup(); from django.conf import settings as s;"
        "print(json.dumps({a: {k: str(v) for k, v in d.items() if k in "
        "('DISABLE_SERVER_SIDE_CURSORS', 'OPTIONS', 'HOST')} for a, d in s.DATABASES.items()}))"
    )
    full = {**os.environ, **env}
    full.pop("PYTEST_CURRENT_TEST", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60
    )
    return done.stdout + done.stderr


def test_pgbouncer_mode_turns_off_what_transaction_pooling_breaks():
    out = _settings_in_a_fresh_process(
        {
            "DATABASE_URL": "postgres://app@127.0.0.1:6432/yingshang",
            "DATABASE_REPLICA_URL": "postgres://app@10.0.0.3:6432/yingshang_replica",
            "DATABASE_POOLER": "pgbouncer",
        }
    )
    assert '"DISABLE_SERVER_SIDE_CURSORS": "True"' in out
    assert "'prepare_threshold': None" in out
    assert "jit=off" not in out  # pgbouncer refuses startup options: set on the role
    assert "10.0.0.3" in out and "'connect_timeout': 2" in out


def test_an_unknown_pooler_is_refused_at_start():
    out = _settings_in_a_fresh_process({"DATABASE_POOLER": "pgpool"})
    assert "DATABASE_POOLER must be empty or pgbouncer" in out


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_rating_statistics_api_reads_the_replica(replica_on):
    from django.test import Client

    from yingshang.apiaccess import services
    from yingshang.testing.personas import make_personas

    p = make_personas()
    _token, secret = services.token_create(actor=p.supervisor, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get("/api/v1/ratings/stats")
    assert response.status_code == 200
    assert any("ratings_" in q["sql"] for q in on_replica)

    replica_on["seconds"] = 60.0  # lagging: the same call is answered from the primary
    dbrouting._HEALTH.clear()
    with CaptureQueriesContext(connections[REPLICA]) as lagging:
        assert client.get("/api/v1/ratings/stats").status_code == 200
    assert not any("ratings_" in q["sql"] for q in lagging)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_real_lag_measure_says_unreachable_for_a_dead_replica(monkeypatch):
    import copy

    from django.db.utils import ConnectionHandler

    broken = copy.deepcopy(connections.settings[REPLICA])
    if broken["ENGINE"].endswith("sqlite3"):
        broken["NAME"] = "/nonexistent/replica/yingshang.sqlite3"
    else:
        broken.update(HOST="127.0.0.1", PORT="1")  # nothing listens there
        broken.setdefault("OPTIONS", {})["connect_timeout"] = 1
    handler = ConnectionHandler({"default": connections.settings["default"], REPLICA: broken})
    monkeypatch.setattr(dbrouting, "connections", handler)
    assert dbrouting.replica_lag_seconds() is None
