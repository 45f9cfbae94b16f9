"""Project figures for the county assessment (yingshang/assessment/registry.py): per lead unit,
the share of its stages approved in the period within the stage limit (国办发〔2019〕11号 限时
办结), and per unit the parallel tasks of project stages finished late."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.assessment.registry import Figure, Metric, rate


def _stages(period, ctx) -> dict:
    if "projects.stages" not in ctx:
        from yingshang.projects.models import ProjectStage

        rows = (
            ProjectStage.objects.filter(
                status=ProjectStage.Status.APPROVED,
                approved_at__gte=period.start,
                approved_at__lt=period.end,
            )
            .values("lead_unit_id")
            .order_by()
            .annotate(total=Count("id"), on_time=Count("id", filter=Q(late=False)))
        )
        ctx["projects.stages"] = {r["lead_unit_id"]: r for r in rows}
    return ctx["projects.stages"]


def _on_time(period, ctx) -> dict:
    return {
        uid: Figure(
            value=rate(r["on_time"], r["total"]),
            sample=r["total"],
            num=r["on_time"],
            den=r["total"],
        )
        for uid, r in _stages(period, ctx).items()
    }


def _tasks_late(period, ctx) -> dict:
    from yingshang.cases.models import ApprovalTask

    rows = (
        ApprovalTask.objects.filter(
            case__project_stage__isnull=False,
            status=ApprovalTask.Status.DONE,
            decided_at__gte=period.start,
            decided_at__lt=period.end,
        )
        .values("unit_id")
        .order_by()
        .annotate(total=Count("id"), late=Count("id", filter=Q(late=True)))
    )
    return {
        r["unit_id"]: Figure(
            value=rate(r["total"] - r["late"], r["total"]),
            sample=r["total"],
            num=r["total"] - r["late"],
            den=r["total"],
        )
        for r in rows
    }


def _drill(unit_id, period, part="denominator") -> str:
    return reverse("projects:statistics")


METRICS = [
    Metric(
        "project_stage_on_time",
        _("工程建设项目阶段按时办结率"),
        "projects",
        compute=_on_time,
        drill=_drill,
    ),
    Metric(
        "project_task_on_time",
        _("工程建设项目并联审批按时率"),
        "projects",
        compute=_tasks_late,
        drill=_drill,
    ),
]
