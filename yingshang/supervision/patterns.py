"""Problems found in other modules' data (creation hooks driven by a supervisor action):
units with ≥ N overdue 12345 work orders on one topic in a month (seed 003: 中梗阻)."""

import datetime as dt

from django.db.models import Count
from django.utils.translation import gettext as _

from yingshang.errors import PermissionDeniedError
from yingshang.hotline.models import Supervision, Topic
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.supervision import scopes, services
from yingshang.supervision.models import Problem
from yingshang.workcal import periods


def overdue_order_patterns(*, month: dt.date, threshold: int = 3) -> list[dict]:
    """[{unit, topic, count}] — overdue notices (超期催办通知) of the hotline per unit and topic."""
    period = periods.period_of("month", month)
    rows = (
        Supervision.objects.filter(
            kind="overdue",
            created_at__gte=period.start,
            created_at__lt=period.end,
            unit__isnull=False,
            order__topic__isnull=False,
        )
        .values("unit", "order__topic")
        .annotate(n=Count("order", distinct=True))
        .filter(n__gte=max(1, threshold))
        .order_by("-n")
    )
    rows = list(rows)
    units = Unit.objects.in_bulk([r["unit"] for r in rows])
    topics = Topic.objects.in_bulk([r["order__topic"] for r in rows])
    return [
        {"unit": units[r["unit"]], "topic": topics[r["order__topic"]], "count": r["n"]}
        for r in rows
    ]


def problems_from_overdue_orders(*, actor, month: dt.date, threshold: int = 3) -> list[Problem]:
    """The supervisor's action: one problem (source 12345, category 中梗阻) per pattern, idempotent
    per unit × topic × month."""
    allowed = scopes.may_create_from_patterns(scope.grants(actor))
    if not allowed:
        raise PermissionDeniedError(allowed.code, allowed.message)
    made = []
    for row in overdue_order_patterns(month=month, threshold=threshold):
        unit, topic, n = row["unit"], row["topic"], row["count"]
        made.append(
            services.problem_create_from_source(
                actor=actor,
                source=Problem.Source.HOTLINE,
                source_type="hotline.overdue_pattern",
                source_id=f"{unit.pk}:{topic.pk}:{month:%Y-%m}",
                unit=unit,
                category="zhonggengzu",
                severity="serious",
                description=_(
                    "%(month)s，%(unit)s办理“%(topic)s”类12345工单超期%(n)d件，存在“中梗阻”问题，请查明原因、限期整改。"
                )
                % {
                    "month": f"{month.year}年{month.month}月",
                    "unit": unit.name,
                    "topic": topic.name,
                    "n": n,
                },
                deadline_days=20,
            )
        )
    return made


def problem_from_indicator(
    *,
    actor,
    unit: Unit,
    indicator: str,
    period: str,
    value,
    threshold,
    indicator_id=None,
    deadline_days: int = 30,
) -> Problem:
    """An indicator below its threshold becomes a problem of the responsible unit (source
    "indicator", idempotent per indicator × unit × period). Called by the indicators module."""
    key = f"{indicator_id or indicator}:{unit.pk}:{period}"
    return services.problem_create_from_source(
        actor=actor,
        source=Problem.Source.INDICATOR,
        source_type="indicator",
        source_id=key,
        unit=unit,
        category="other",
        deadline_days=deadline_days,
        description=_(
            "%(period)s营商环境评价指标“%(indicator)s”得分%(value)s，低于%(threshold)s，请分析原因、补齐短板。"
        )
        % {"period": period, "indicator": indicator, "value": value, "threshold": threshold},
    )
