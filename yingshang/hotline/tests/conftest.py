import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from yingshang.hotline import services
from yingshang.hotline.models import Topic

TZ = ZoneInfo("Asia/Shanghai")
# Monday 23 November 2026, 10:00 — an ordinary working day
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def clock():
    """clock(when) moves the frozen time; starts on Monday 23 Nov 2026 10:00."""
    traveller = time_machine.travel(MONDAY_10, tick=False)
    traveller.start()
    state = {"t": traveller}

    def move(when):
        state["t"].stop()
        state["t"] = time_machine.travel(when, tick=False)
        state["t"].start()

    yield move
    state["t"].stop()


@pytest.fixture
def topic(personas):
    parent = Topic.objects.create(code="scjg", name="市场监管", default_unit=personas.unit_a)
    return Topic.objects.create(
        code="scjg-food", name="食品安全", parent=parent, default_unit=personas.unit_a
    )


@pytest.fixture
def make_order(personas, topic):
    def _make(**kw):
        data = {
            "actor": personas.operator,
            "content": "某某饭店后厨卫生状况差，有老鼠出没，请监管部门查处。",
            "category": "complaint",
            "topic": topic,
            "caller_name": "李四",
            "caller_phone": "13812345678",
            "address": "示范县城关镇人民路88号",
        }
        data.update(kw)
        return services.workorder_register(**data)

    return _make


@pytest.fixture
def dispatched(make_order, personas):
    def _make(**kw):
        order = make_order(**kw)
        return services.workorder_dispatch(
            actor=personas.operator, order=order, main_unit=personas.unit_a
        )

    return _make


@pytest.fixture
def in_progress(dispatched, personas):
    def _make(**kw):
        order = dispatched(**kw)
        return services.workorder_sign(actor=personas.handler_a, order=order)

    return _make


@pytest.fixture
def awaiting_callback(in_progress, personas):
    def _make(**kw):
        order = in_progress(**kw)
        order = services.workorder_reply(
            actor=personas.handler_a, order=order, text="经现场检查，已责令该店整改并处罚款。"
        )
        return services.workorder_review_reply(actor=personas.operator, order=order, approve=True)

    return _make
