"""A handling deadline that runs into a year whose holidays are not entered is provisional
(预计) on the order page and in the API."""

import datetime as dt

import pytest
import time_machine

from yingshang.workcal import services as workcal
from yingshang.workcal.calendar import TZ

pytestmark = pytest.mark.django_db


def test_provisional_handling_deadline_on_the_page_and_in_the_api(
    personas, api_client, dispatched, client
):
    with time_machine.travel(dt.datetime(2026, 12, 28, 10, tzinfo=TZ), tick=False):
        order = dispatched()
    assert order.handle_due_at.astimezone(TZ).year == 2027
    body = api_client(personas.handler_a).get(f"/api/v1/hotline/orders/{order.pk}").json()
    assert body["due_provisional"] is True
    client.force_login(personas.handler_a)
    page = client.get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    assert 'data-testid="due-provisional"' in page

    workcal.calendar_enter_year(
        actor=personas.admin, year=2027, text="2027-01-01 休 元旦\n", source="国办发明电"
    )
    body = api_client(personas.handler_a).get(f"/api/v1/hotline/orders/{order.pk}").json()
    assert body["due_provisional"] is False
    page = client.get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    assert 'data-testid="due-provisional"' not in page


def test_a_day_made_a_holiday_moves_the_deadlines_shown_on_the_order(personas, dispatched):
    from yingshang.workcal import calendar

    with time_machine.travel(dt.datetime(2026, 12, 28, 10, tzinfo=TZ), tick=False):
        order = dispatched()
        before = order.handle_due_at
        workcal.calendar_set_day(
            actor=personas.admin, day=dt.date(2026, 12, 30), kind="holiday", reason="临时休假"
        )
    order.refresh_from_db()
    expected = calendar.add_working_days(before.astimezone(TZ).date(), 1)
    assert order.handle_due_at.astimezone(TZ).date() == expected
