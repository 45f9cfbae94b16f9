"""Fixtures shared by every test: personas, API clients, and the Playwright browser."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (not by the live server) must still be allowed.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _fresh_caches(request):
    """Each test starts with an empty cache and the calendar reloaded from its database.
    Transactional tests (browser tests) flush every table, including the rows the data
    migrations seeded (yingshang.testing.seeds): put them back."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from yingshang.workcal import calendar

    cache.clear()
    from django.core.cache import caches

    caches["template_fragments"].clear()  # rendered menus and portal home ({% cache %})
    from yingshang import processcache

    processcache.clear_all()  # every per-process cache: role grants, home cards, names, …
    # a request in English earlier on this thread must not leak into this test's messages
    translation.activate(settings.LANGUAGE_CODE)
    calendar.invalidate()
    if {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    ) or request.node.get_closest_marker("django_db"):
        from yingshang.testing.seeds import ensure_migration_rows

        request.getfixturevalue("_django_db_helper")  # the db/transactional_db the test asked for
        ensure_migration_rows()  # a transactional test's flush removes them
    yield
    calendar.invalidate()
    # a module-scoped fixture set up before the next test's clearing must not read this test's
    # entries either (a cached role grant is keyed by user id and roles version, and ids repeat
    # once the test's transaction is rolled back)
    processcache.clear_all()


@pytest.fixture
def personas(db):
    from yingshang.testing.personas import make_personas

    return make_personas()


@pytest.fixture
def login(client):
    """login(user) → the Django test client logged in as user."""

    def _login(user):
        client.force_login(user, backend="yingshang.org.auth.UsernameOrMobileBackend")
        return client

    return _login


@pytest.fixture
def api_client(db):
    """api_client(user) → a test client sending a bearer token for user (no CSRF involved)."""
    from django.test import Client

    from yingshang.apiaccess import services

    def _make(user):
        _token, secret = services.token_create(actor=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return _make


# --- browser ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(
                f"Chromium not found at {CHROMIUM}: browser tests must run in CI (make test installs it)"
            )
        pytest.skip(
            f"Chromium not found at {CHROMIUM}; run `make test` (installs it) to run browser tests"
        )
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context in Chinese (zh-CN) against the live server."""
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        os.makedirs("test-artifacts", exist_ok=True)
        page.screenshot(path=f"test-artifacts/{request.node.name}.png", full_page=True)
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def browser_login():
    """browser_login(page, username[, password]) logs in through the real login form."""

    def _login(page, username: str, password: str | None = None):
        from yingshang.testing.personas import PASSWORD

        page.goto("/login/")
        page.get_by_label("用户名或手机号").fill(username)
        page.get_by_label("密码").fill(password or PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

    return _login
