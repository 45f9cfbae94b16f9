"""Schemes and a small fixed dataset of hotline orders for the assessment's tests."""

import datetime as dt

from yingshang.assessment import services
from yingshang.hotline.models import WorkOrder
from yingshang.org.models import Unit
from yingshang.workcal.calendar import TZ

NOV_DAY = dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)
OCT_DAY = dt.datetime(2026, 10, 12, 10, 0, tzinfo=TZ)

HOTLINE_SCHEME = [
    {"code": "hotline_response", "weight": "60", "min_sample": 5},
    {"code": "hotline_satisfaction", "weight": "40", "min_sample": 5},
]


def scheme(actor, *, metrics=None, period_kind="month", code="monthly", activate=True, **kw):
    s = services.scheme_create(
        actor=actor,
        code=code,
        name=kw.pop("name", "月度营商环境考核"),
        period_kind=period_kind,
        effective_from=kw.pop("effective_from", dt.date(2026, 1, 1)),
        metrics=HOTLINE_SCHEME if metrics is None else metrics,
        groups=kw.pop("groups", [{"unit_kind": "department", "name": "县直部门"}]),
        **kw,
    )
    return services.scheme_activate(actor=actor, scheme=s) if activate else s


def department(code: str, name: str, parent) -> Unit:
    unit = Unit.objects.create(code=code, name=name, kind=Unit.Kind.DEPARTMENT, parent=parent)
    unit.path = f"{parent.path}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


def orders(unit, n: int, *, on_time: int, satisfied: int, at=NOV_DAY, tag="") -> None:
    """`n` closed orders dispatched to `unit` at `at`: the first `on_time` signed on time, the
    first `satisfied` satisfied at the callback (all were called back)."""
    WorkOrder.objects.bulk_create(
        WorkOrder(
            number=f"A{unit.pk}-{tag}{at:%m}-{i}",
            content="测试诉求内容",
            caller_phone="13800000000",
            registered_at=at,
            dispatched_at=at,
            main_unit=unit,
            status="closed",
            sign_due_at=at + dt.timedelta(hours=2),
            handle_due_at=at + dt.timedelta(days=20),
            signed_at=at,
            signed_on_time=i < on_time,
            replied_at=at,
            replied_on_time=True,
            resolved=True,
            satisfied=i < satisfied,
        )
        for i in range(n)
    )
