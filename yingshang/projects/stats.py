"""Project statistics (国办发〔2019〕11号 limits): time per stage and per project type against
the limits, overdue by unit, returns per stage. Every figure starts from the user's scope; a
handful of grouped queries whatever the number of projects (bench/projects_stats.py)."""

from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from yingshang.cases.models import ApprovalTask
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.projects.models import STAGE_MARKS, Project, ProjectStage, ProjectType, StageReturn


def _round(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


def project_statistics(user, *, year: int | None = None, now=None) -> dict:
    now = now or timezone.now()
    projects = scope.visible_to(user, Project)
    stages = scope.visible_to(user, ProjectStage)
    if year:
        projects = projects.filter(created_at__year=year)
        stages = stages.filter(project__created_at__year=year)
    types = {t.pk: t for t in ProjectType.objects.all()}

    per_stage = []
    for row in (
        stages.exclude(status=ProjectStage.Status.NOT_STARTED)
        .values("project__project_type", "order")
        .annotate(
            submitted=Count("id"),
            approved=Count("id", filter=Q(status=ProjectStage.Status.APPROVED)),
            late=Count("id", filter=Q(status=ProjectStage.Status.APPROVED, late=True)),
            open_overdue=Count(
                "id", filter=Q(status=ProjectStage.Status.IN_REVIEW, due_at__lt=now)
            ),
            avg_days=Avg("days_used", filter=Q(status=ProjectStage.Status.APPROVED)),
            limit=Avg("limit_days"),
            returns=Sum("returns"),
        )
        .order_by("project__project_type", "order")
    ):
        per_stage.append(
            {
                "type": types.get(row["project__project_type"]),
                "order": row["order"],
                "mark": STAGE_MARKS.get(row["order"], ""),
                "submitted": row["submitted"],
                "approved": row["approved"],
                "on_time": row["approved"] - row["late"],
                "late": row["late"],
                "open_overdue": row["open_overdue"],
                "avg_days": _round(row["avg_days"]),
                "limit": _round(row["limit"]),
                "returns": row["returns"] or 0,
            }
        )

    per_type = []
    for row in (
        projects.values("project_type")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=Q(status=Project.Status.COMPLETED)),
            over=Count("id", filter=Q(late=True)),
            avg_days=Avg("gov_days_used", filter=Q(status=Project.Status.COMPLETED)),
            limit=Avg("total_limit_days"),
        )
        .order_by("project_type")
    ):
        per_type.append(
            {
                "type": types.get(row["project_type"]),
                "total": row["total"],
                "completed": row["completed"],
                "over": row["over"],
                "avg_days": _round(row["avg_days"]),
                "limit": _round(row["limit"]),
            }
        )

    # the parallel tasks of the visible stages' cases, by the unit that holds them
    tasks = ApprovalTask.objects.filter(
        case_id__in=stages.filter(case__isnull=False).values("case_id")
    )
    by_unit: dict[int, dict] = {}
    for row in tasks.values("unit").annotate(
        total=Count("id"),
        late=Count("id", filter=Q(status=ApprovalTask.Status.DONE, late=True)),
        open_overdue=Count("id", filter=Q(status=ApprovalTask.Status.PENDING, due_at__lt=now)),
    ):
        by_unit[row["unit"]] = {**row, "stage_late": 0}
    for row in stages.values("lead_unit").annotate(
        stage_late=Count(
            "id",
            filter=Q(status=ProjectStage.Status.APPROVED, late=True)
            | Q(status=ProjectStage.Status.IN_REVIEW, due_at__lt=now),
        )
    ):
        entry = by_unit.setdefault(
            row["lead_unit"], {"unit": row["lead_unit"], "total": 0, "late": 0, "open_overdue": 0}
        )
        entry["stage_late"] = row["stage_late"]
    returns = dict(
        StageReturn.objects.filter(stage__in=stages.values("pk"))
        .values("unit")
        .annotate(n=Count("id"))
        .values_list("unit", "n")
    )
    names = dict(Unit.objects.filter(pk__in=set(by_unit) | set(returns)).values_list("pk", "name"))
    overdue_by_unit = sorted(
        (
            {
                **entry,
                "name": names.get(uid, ""),
                "returns": returns.get(uid, 0),
                "overdue": entry["late"] + entry["open_overdue"] + entry["stage_late"],
            }
            for uid, entry in by_unit.items()
        ),
        key=lambda e: (-e["overdue"], e["name"]),
    )

    returns_per_stage = [
        {
            "order": r["order"],
            "mark": STAGE_MARKS.get(r["order"], ""),
            "returns": r["n"] or 0,
            "stages": r["stages"],
        }
        for r in stages.values("order")
        .annotate(n=Sum("returns"), stages=Count("id", filter=Q(returns__gt=0)))
        .order_by("order")
    ]
    return {
        "per_stage": per_stage,
        "per_type": per_type,
        "overdue_by_unit": overdue_by_unit,
        "returns_per_stage": returns_per_stage,
    }
