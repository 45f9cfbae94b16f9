"""Published results made directly (for pagination and objection tests that need many)."""

import datetime as dt

from django.utils import timezone

from yingshang.inspections import services
from yingshang.inspections.models import Inspection, PublishedResult
from yingshang.inspections.tests.setup import joint_plan


def published_results(w, n: int, *, firm=None) -> list[PublishedResult]:
    plan = joint_plan(w, ratio_bp=10000)
    draw = services.plan_commit(actor=w.p.head_a, plan=plan)
    start = timezone.now() - dt.timedelta(days=n)
    made = []
    for k in range(n):
        target = firm or w.firms[k % len(w.firms)]
        inspection = Inspection.objects.create(
            draw=draw,
            plan=plan,
            firm=target,
            grade="A",
            status="published",
            scheduled_on=dt.date(2026, 12, 1),
            ended_on=dt.date(2026, 12, 1),
            result="no_problem",
        )
        made.append(
            PublishedResult.objects.create(
                inspection=inspection,
                version=1,
                firm=target,
                firm_name=target.name,
                uscc=target.uscc,
                plan_title=plan.title,
                units="市场监管局",
                matters="食品",
                inspected_on=dt.date(2026, 12, 1),
                result="no_problem",
                published_at=start + dt.timedelta(hours=k),
            )
        )
    return made
