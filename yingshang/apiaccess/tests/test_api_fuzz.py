"""A bounded fuzz of the whole API: every operation of the OpenAPI document, called with hostile
values in its path, query and body (NUL, numbers beyond 64 bits, negative offsets, NaN, very
long and odd text, wrong types), as an applicant and as a supervisor. No answer may be a 5xx.

Fixed seed (derandomize), few examples per operation: it finishes in well under two minutes.
`-m fuzz` runs it alone; the schemathesis run at the end does the same from the schema's own
types when schemathesis is installed (pyproject test extras)."""

import json
import re
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

HOSTILE_TEXT = [
    "",
    "\x00",
    "a\x00b",
    "%00",
    "1e300",
    "NaN",
    "-Infinity",
    "9" * 30,
    "-1",
    "0",
    "2026-13-45T99:99:99",
    "'; DROP TABLE x; --",
    "<script>alert(1)</script>",
    "\u202e\ufeff\ud7ff",
    "=cmd|' /C calc'!A0",
    "办" * 5000,
]
HOSTILE_NUMBERS = [0, -1, 1, 2**63, -(2**63) - 1, 2**64, 10**30, 1e300, -1e300]
VALUE = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HOSTILE_NUMBERS),
    st.none(),
    st.booleans(),
    st.text(max_size=12),
    st.integers(),
    st.lists(st.sampled_from(HOSTILE_TEXT[:6]), max_size=3),
    st.dictionaries(st.sampled_from(["a", "\x00", "x" * 50]), st.integers(), max_size=2),
)


def _operations():
    from yingshang.api import api

    doc = api.get_openapi_schema()
    ops = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = {}
            ref = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref")
            )
            if ref:
                body = doc["components"]["schemas"][ref.rsplit("/", 1)[1]].get("properties", {})
            ops.append(
                (
                    method.upper(),
                    path,
                    [p for p in op.get("parameters", []) if p["in"] in ("path", "query")],
                    sorted(body),
                )
            )
    return ops


OPERATIONS = _operations()


def _url(path: str, params: list, values: dict) -> str:
    query = []
    for p in params:
        value = values.get(p["name"])
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", quote(str(value), safe="") or "0")
        elif value is not None:
            query.append(f"{quote(p['name'])}={quote(str(value), safe='')}")
    path = re.sub(r"\{[^}]+\}", "1", path)
    return path + ("?" + "&".join(query) if query else "")


@pytest.fixture
def callers(personas):
    from yingshang.apiaccess import services

    clients = []
    for user in (personas.applicant, personas.supervisor):
        _token, secret = services.token_create(actor=user, name="fuzz")
        clients.append(Client(HTTP_AUTHORIZATION=f"Bearer {secret}"))
    return clients


@pytest.mark.parametrize(
    ("method", "path", "params", "fields"),
    OPERATIONS,
    ids=[f"{m} {p}" for m, p, _a, _b in OPERATIONS],
)
@settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_operation_answers_hostile_input_with_a_5xx(
    callers, settings, method, path, params, fields, data
):
    settings.API_WRITES_PER_MINUTE = settings.API_WRITES_PER_HOUR = 10**6
    settings.API_WRITES_PER_IP_PER_MINUTE = 10**6
    values = {p["name"]: data.draw(VALUE, label=p["name"]) for p in params}
    body = {f: data.draw(VALUE, label=f) for f in fields if data.draw(st.booleans())}
    url = _url(path, params, values)
    for client in callers:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.generic(
                method, url, json.dumps(body), content_type="application/json"
            )
        assert response.status_code < 500, (method, url, body, response.content[:500])


# --- schemathesis, when installed (pyproject test extras) ---------------------------------------
# Written against schemathesis 4 (schemathesis.openapi.from_wsgi, case.call); not yet run here
# (it was not installed in the development environment). A loader that fails turns into a
# skipped test with the reason, never into a collection error of this module.
SCHEMA = None
SCHEMA_PROBLEM = "schemathesis is not installed"
try:
    import schemathesis

    from yingshang.wsgi import application

    SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
except ImportError:
    pass
except Exception as exc:  # an API change of schemathesis must not hide the fuzz above
    SCHEMA_PROBLEM = f"schemathesis could not load the schema: {exc!r}"


@pytest.fixture
def _one_connection():
    """schemathesis calls the WSGI application, which closes the database connection at the end
    of each request (CONN_MAX_AGE 0) — the test's own transaction with it, on PostgreSQL. As
    Django's test client does, keep the connection for the duration of the test."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token_headers(personas, settings, _one_connection):
    from yingshang.apiaccess import services

    settings.API_WRITES_PER_MINUTE = settings.API_WRITES_PER_HOUR = 10**6
    settings.API_WRITES_PER_IP_PER_MINUTE = settings.API_STAFF_WRITES_PER_MINUTE = 10**6
    _token, secret = services.token_create(actor=personas.supervisor, name="schemathesis")
    return {"Authorization": f"Bearer {secret}"}


if SCHEMA is not None:

    @SCHEMA.parametrize()
    @settings(
        max_examples=5,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def test_schemathesis_finds_no_5xx(case, token_headers):
        response = case.call(headers=token_headers)
        assert response.status_code < 500, (case.method, case.path, response.text[:500])

else:

    def test_schemathesis_finds_no_5xx():
        pytest.skip(SCHEMA_PROBLEM)
