"""The leaders' dashboard, the window staff ranking, and what the county makes public."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang.assessment import dashboard as board
from yingshang.assessment import services, staffrank
from yingshang.assessment.models import Snapshot
from yingshang.assessment.scopes import VIEWERS
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required
from yingshang.workcal import periods

STAFF_RANK_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.DEPT_HEAD, Role.WINDOW_CLERK)


@staff_required(*VIEWERS)
def dashboard(request):
    snapshot = board.pick(request.user, request.GET)
    return render(
        request,
        "assessment/dashboard.html",
        {
            "snapshot": snapshot,
            "counts": board.counts(request.user),
            "body": board.body_html(request.user, snapshot, request.GET) if snapshot else "",
        },
    )


@staff_required(*STAFF_RANK_ROLES)
def staff_ranking(request):
    raw = request.GET.get("period", "")
    try:
        period = periods.parse(raw) if raw else periods.current("month").previous()
    except ValueError:
        period = None
    error = ""
    if period is None or period.kind not in ("month", "quarter", "year"):
        error = _("期间格式应为 2026-11、2026-Q4 或 2026")
        period = periods.current("month").previous()
    return render(
        request,
        "assessment/staff_ranking.html",
        {
            "period": period,
            "groups": staffrank.ranking(request.user, period),
            "metrics": staffrank.METRICS,
            "min_ratings": staffrank.MIN_RATINGS,
            "error": error,
        },
        status=400 if error else 200,
    )


@staff_required(Role.SUPERVISOR, Role.ADMIN)
def snapshot_public(request, pk: int):
    if request.method != "POST":
        raise Http404
    snapshot = scope.get_for(request.user, Snapshot, pk)
    try:
        services.snapshot_set_public(
            actor=request.user,
            snapshot=snapshot,
            public=request.POST.get("public") == "1",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("门户公开设置已更新。"))
    return redirect("assessment:snapshot", pk=snapshot.pk)
