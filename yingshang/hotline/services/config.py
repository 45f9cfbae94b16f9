"""The hotline's settings (time limits, KPI weights) and the city's published figures, audited."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import InvalidInput, PermissionDeniedError
from yingshang.hotline.models import CityFigure, KpiConfig, LimitRule, WorkOrder
from yingshang.org.roles import Role
from yingshang.org.scope import grants as grants_of
from yingshang.workcal import calendar, periods

RULE_FIELDS = ("purpose", "category", "urgency", "amount", "unit", "same_day", "is_active")
KPI_FIELDS = ("weight_response", "weight_resolution", "weight_satisfaction", "min_sample")


def _require_config(actor) -> None:
    workflow.require_actor(actor)
    if not actor or not grants_of(actor).has(Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDeniedError("HOTLINE_FORBIDDEN", _("只有督查人员或管理员可以修改热线设置"))


def limit_rule_save(
    *,
    actor,
    rule=None,
    purpose: str,
    category: str,
    urgency: str,
    amount,
    unit: str,
    same_day: bool = False,
    is_active: bool = True,
    note: str = "",
) -> LimitRule:
    _require_config(actor)
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        amount = Decimal(0)
    if amount <= 0 or amount > 999:
        raise InvalidInput(
            "HOTLINE_LIMIT_AMOUNT", _("时限应为大于0的数值"), details={"field": "amount"}
        )
    if unit in ("working_days", "natural_days") and amount != int(amount):
        raise InvalidInput(
            "HOTLINE_LIMIT_WHOLE_DAYS", _("以天计的时限必须是整数"), details={"field": "amount"}
        )
    if purpose not in LimitRule.Purpose.values or unit not in calendar.UNITS:
        raise InvalidInput("HOTLINE_LIMIT_INVALID", _("时限类型或单位无效"))
    if (category and category not in WorkOrder.Category.values) or (
        urgency and urgency not in WorkOrder.Urgency.values
    ):
        raise InvalidInput("HOTLINE_LIMIT_INVALID", _("诉求类别或紧急程度无效"))
    with transaction.atomic():
        if rule is not None:
            rule = LimitRule.objects.select_for_update().get(pk=rule.pk)
            before = workflow.snapshot(rule, *RULE_FIELDS)
        else:
            rule, before = LimitRule(), None
        rule.purpose, rule.category, rule.urgency, rule.amount, rule.unit = (
            purpose,
            category,
            urgency,
            amount,
            unit,
        )
        rule.same_day, rule.is_active, rule.note = same_day, is_active, note[:200]
        rule.save()
        workflow.record(
            actor,
            "hotline.limit_rule",
            rule,
            before=before,
            after=workflow.snapshot(rule, *RULE_FIELDS),
        )
    return rule


def kpi_config_save(
    *, actor, weight_response, weight_resolution, weight_satisfaction, min_sample
) -> KpiConfig:
    _require_config(actor)
    try:
        weights = [
            Decimal(str(w)) for w in (weight_response, weight_resolution, weight_satisfaction)
        ]
        min_sample = int(min_sample)
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput("HOTLINE_KPI_CONFIG", _("权重和最小样本量必须是数字")) from None
    if any(w < 0 for w in weights) or sum(weights) <= 0 or min_sample < 1:
        raise InvalidInput("HOTLINE_KPI_CONFIG", _("权重不能为负且合计须大于0，最小样本量至少为1"))
    with transaction.atomic():
        config, _created = KpiConfig.objects.select_for_update().get_or_create(pk=1)
        before = workflow.snapshot(config, *KPI_FIELDS)
        config.weight_response, config.weight_resolution, config.weight_satisfaction = weights
        config.min_sample = min_sample
        config.save()
        workflow.record(
            actor,
            "hotline.kpi_config",
            config,
            before=before,
            after=workflow.snapshot(config, *KPI_FIELDS),
        )
    return config


def city_figure_record(
    *, actor, period: str, metric: str, value, rank=None, note: str = ""
) -> CityFigure:
    """A figure the city platform published about the county (考核数据), one per period and
    metric (recording it again replaces it)."""
    workflow.require_actor(actor)
    metric = (metric or "").strip()[:40]
    try:
        if periods.parse(period).kind != "month":
            raise ValueError(period)
        value = Decimal(str(value))
    except (ValueError, InvalidOperation):
        raise InvalidInput(
            "HOTLINE_CITY_FIGURE", _("请填写正确的周期（如2026-11）和数值")
        ) from None
    if not metric:
        raise InvalidInput("HOTLINE_CITY_FIGURE_METRIC", _("请填写指标名称"))
    with transaction.atomic():
        fig, _created = CityFigure.objects.update_or_create(
            period=period,
            metric=metric,
            defaults={"value": value, "rank": rank, "note": note[:200], "recorded_by": actor},
        )
        workflow.record(
            actor,
            "hotline.city_figure",
            fig,
            after={
                "period": fig.period,
                "metric": fig.metric,
                "value": fig.value,
                "rank": fig.rank,
            },
        )
    return fig
