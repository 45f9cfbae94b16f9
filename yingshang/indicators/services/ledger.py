"""A flagged leaf becomes a ledger problem of its lead unit in one step (supervision's hook),
so the evaluation drives rectification."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError
from yingshang.indicators import scoring
from yingshang.indicators.models import Value


def problem_key(value: Value) -> str:
    """The source id supervision.patterns.problem_from_indicator gives the problem."""
    return f"{value.indicator_id}:{value.indicator.lead_unit_id}:{value.period.name}"


def existing_problem(value: Value):
    from yingshang.supervision.models import Problem

    return Problem.objects.filter(source_type="indicator", source_id=problem_key(value)).first()


@transaction.atomic
def value_open_problem(*, actor, value: Value, deadline_days: int = 30):
    """Open (or find) the ledger problem of a leaf scored under the threshold."""
    from yingshang.supervision import patterns

    value = workflow.lock(
        actor,
        value,
        action="open_problem",
        queryset=Value.objects.select_related(
            "indicator", "period__tree"
        ),  # inner joins: FOR UPDATE
    )
    ind = value.indicator
    score = scoring.value_score(value)
    threshold = value.period.tree.threshold
    if score >= threshold or ind.lead_unit_id is None:
        raise DomainError(
            "INDICATOR_NOT_FLAGGED",
            _("该指标未低于预警线或没有牵头单位，不需转为问题"),
            status=409,
        )
    found = existing_problem(value)
    problem = patterns.problem_from_indicator(
        actor=actor,
        unit=ind.lead_unit,
        indicator=ind.name,
        period=value.period.name,
        value=scoring.display(score),
        threshold=scoring.display(threshold, "1"),
        indicator_id=ind.pk,
        deadline_days=deadline_days,
    )
    if found is None:
        workflow.record(actor, "indicator.problem", value, after={"problem": problem.number})
    return problem
