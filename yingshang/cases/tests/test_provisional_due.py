"""A deadline in a year whose holiday arrangement is not entered shows as provisional (预计)
on the staff pages and in the API, and stops being so once the year is entered."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yingshang.cases.tests.factories import CaseFactory
from yingshang.workcal import services as workcal
from yingshang.workcal.calendar import TZ

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_case(personas, cat):
    # accepted on 20 December 2026: the limit runs into 2027, not yet entered
    with time_machine.travel(dt.datetime(2026, 12, 20, 9, tzinfo=TZ), tick=False):
        case = CaseFactory(personas=personas, matter=cat.matter, state="accepted")
    assert case.due_at.astimezone(TZ).year == 2027
    return case


def test_provisional_deadline_on_pages_and_api(personas, late_case, client, api_client):
    client.force_login(personas.handler_a)
    queue = reverse("cases:queue") + "?q=to_review"
    page = client.get(queue)
    assert late_case.number in page.content.decode()
    assert 'data-testid="due-provisional"' in page.content.decode()
    detail = client.get(reverse("cases:staff_case", args=[late_case.pk]))
    assert "预计" in detail.content.decode()
    body = api_client(personas.clerk).get(f"/api/v1/cases/{late_case.number}").json()
    assert body["due_provisional"] is True

    workcal.calendar_enter_year(
        actor=personas.admin, year=2027, text="2027-01-01 休 元旦\n", source="国办发明电"
    )
    page = client.get(queue)
    assert late_case.number in page.content.decode()
    assert 'data-testid="due-provisional"' not in page.content.decode()
    body = api_client(personas.clerk).get(f"/api/v1/cases/{late_case.number}").json()
    assert body["due_provisional"] is False


def test_a_deadline_in_an_entered_year_has_no_badge(personas, cat, client, api_client):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=TZ), tick=False):
        case = CaseFactory(personas=personas, matter=cat.matter, state="accepted")
    if case.due_at.astimezone(TZ).year != 2026:
        pytest.skip("the matter's limit runs past the year")
    client.force_login(personas.handler_a)
    page = client.get(reverse("cases:queue") + "?q=to_review").content.decode()
    assert case.number in page and 'data-testid="due-provisional"' not in page
    body = api_client(personas.clerk).get(f"/api/v1/cases/{case.number}").json()
    assert body["due_provisional"] is False
