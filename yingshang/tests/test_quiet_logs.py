"""The default log is quiet: periodic jobs that found nothing to do, jieba's start-up chatter and
the setuptools deprecation block do not show; what did happen does."""

import logging
import subprocess
import sys

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_periodic_job_that_found_nothing_logs_below_info(caplog):
    from yingshang.notify.tasks import retry_pending_messages

    with caplog.at_level(logging.INFO):
        retry_pending_messages.enqueue()
    assert not [r for r in caplog.records if "retry_pending_messages" in r.getMessage()]


def test_job_that_did_something_is_logged_at_info(caplog, personas):
    from yingshang.cases.tasks import appointment_slots

    with caplog.at_level(logging.INFO):
        appointment_slots.enqueue()  # the personas' window gets its bookable slots
    lines = [r for r in caplog.records if "appointment_slots" in r.getMessage()]
    assert [r.levelno for r in lines] == [logging.INFO]
    assert "SUCCESSFUL" in lines[0].getMessage() and "RUNNING" not in lines[0].getMessage()


def test_everything_shows_at_debug(caplog):
    from yingshang.notify.tasks import retry_pending_messages

    with caplog.at_level(logging.DEBUG):
        retry_pending_messages.enqueue()
    states = [
        r.getMessage()
        for r in caplog.records
        if r.name == "yingshang.tasks" and "retry_pending_messages" in r.getMessage()
    ]
    assert len(states) == 2 and "RUNNING" in states[0] and "result=0" in states[1]


def test_jieba_speaks_once_and_only_of_problems():
    """jieba sets DEBUG on its logger when imported and has a handler of its own: each line of
    its start-up came out twice (plain and formatted)."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='yingshang.settings'; "
        "django.setup(); import jieba; jieba.initialize()"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "prefix dict" not in run.stderr and "Loading model" not in run.stderr


def test_pkg_resources_deprecation_is_not_shown():
    """Newer setuptools warns (a block on every start) when a dependency, jieba, imports
    pkg_resources; the installed one may be older, so the warning is raised by hand."""
    code = (
        "import django, os, warnings; os.environ['DJANGO_SETTINGS_MODULE']='yingshang.settings'; "
        "django.setup(); warnings.warn('pkg_resources is deprecated as an API. See "
        "https://setuptools.pypa.io/en/latest/pkg_resources.html', UserWarning); "
        "warnings.warn('other', UserWarning)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "pkg_resources" not in run.stderr and "other" in run.stderr  # only that one is hidden


def test_favicon_is_served(client: Client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.ico")
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
