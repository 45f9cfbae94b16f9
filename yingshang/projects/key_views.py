"""Staff pages of the key projects (重点项目, 四帮四保): the board by phase and by leader, a
project's page (progress, milestones, visits, problems into the ledger), listing a project, and
the monthly progress report in Excel and Word."""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.models import Unit, User
from yingshang.org.roles import Role
from yingshang.projects import keyboard, services
from yingshang.projects.keyprojects import MILESTONES, KeyProject
from yingshang.workbench.access import staff_required


def _year(request) -> int:
    value = request.GET.get("year", "")
    return (
        int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year
    )


def _date(value: str):
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _month(value: str):
    try:
        return dt.date.fromisoformat(f"{(value or '').strip()}-01")
    except ValueError:
        return None


@staff_required()
def key_board(request):
    year = _year(request)
    return render(
        request,
        "projects/key_board.html",
        {
            "year": year,
            "board": keyboard.board(request.user, year),
            "month": timezone.localdate().strftime("%Y-%m"),
        },
    )


@staff_required()
def key_detail(request, pk: int):
    kp = scope.get_for(request.user, KeyProject, pk)
    return render(
        request,
        "projects/key_detail.html",
        {
            "kp": kp,
            "abilities": scope.abilities(request.user, kp),
            "overdue": kp.overdue_milestones(timezone.localdate()),
            "progress": kp.progress.all(),
            "visits": kp.visits.select_related("visitor", "unit"),
            "problems": kp.problems.select_related("problem", "problem__unit"),
            "helpers": kp.helpers.select_related("unit"),
            "milestones": MILESTONES.items(),
            "units": scope.visible_to(request.user, Unit)
            .filter(is_active=True, kind=Unit.Kind.DEPARTMENT)
            .order_by("sort_order", "id"),
        },
    )


@require_POST
@staff_required()
def key_action(request, pk: int, action: str):
    kp = scope.get_for(request.user, KeyProject, pk)
    post = request.POST
    try:
        if action == "progress":
            services.keyproject_progress(
                actor=request.user,
                key_project=kp,
                month=_month(post.get("month")),
                amount=post.get("amount", ""),
                note=post.get("note", ""),
            )
        elif action == "milestone":
            services.keyproject_milestone(
                actor=request.user,
                key_project=kp,
                milestone=post.get("milestone", ""),
                day=_date(post.get("day")),
            )
        elif action == "visit":
            services.keyproject_visit(
                actor=request.user,
                key_project=kp,
                visited_on=_date(post.get("visited_on")),
                content=post.get("content", ""),
            )
        elif action == "problem":
            unit_id = post.get("unit", "")
            unit = (
                scope.visible_to(request.user, Unit).filter(pk=int(unit_id), is_active=True).first()
                if unit_id.isdigit()
                else None
            )
            services.keyproject_raise_problem(
                actor=request.user,
                key_project=kp,
                description=post.get("description", ""),
                unit=unit,
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存"))
    return redirect("projects:key_detail", kp.pk)


@staff_required(Role.SUPERVISOR, Role.ADMIN, Role.LEADER)
def key_new(request):
    error = None
    values = {}
    if request.method == "POST":
        post = request.POST
        values = post.dict()
        leader = (
            User.objects.filter(pk=int(post["leader"])).first()
            if post.get("leader", "").isdigit()
            else None
        )
        unit = (
            scope.visible_to(request.user, Unit).filter(pk=int(post["lead_unit"])).first()
            if post.get("lead_unit", "").isdigit()
            else None
        )
        helpers = []
        for line in post.get("helpers", "").splitlines():
            name, _sep, duty = line.partition("：")
            helper = (
                scope.visible_to(request.user, Unit).filter(name=name.strip()).first()
                or scope.visible_to(request.user, Unit).filter(short_name=name.strip()).first()
            )
            if line.strip() and helper is None:
                error = DomainError(
                    "KEYPROJECT_HELPER_UNKNOWN", _("帮扶单位“%(n)s”不存在") % {"n": name.strip()}
                )
                break
            if helper is not None:
                helpers.append((helper, duty.strip()))
        if error is None:
            try:
                kp = services.keyproject_create(
                    actor=request.user,
                    year=int(post.get("year") or 0),
                    name=post.get("name", ""),
                    investment=post.get("investment", ""),
                    year_plan=post.get("year_plan", ""),
                    leader=leader,
                    lead_unit=unit,
                    planned_start=_date(post.get("planned_start")),
                    planned_resume=_date(post.get("planned_resume")),
                    planned_completion=_date(post.get("planned_completion")),
                    helpers=helpers,
                )
            except (DomainError, ValueError) as exc:
                error = (
                    exc
                    if isinstance(exc, DomainError)
                    else DomainError("KEYPROJECT_YEAR_INVALID", _("年度无效"))
                )
            else:
                return redirect("projects:key_detail", kp.pk)
    leaders = User.objects.filter(
        role_assignments__role=Role.LEADER,
        role_assignments__revoked_at__isnull=True,
        is_active=True,
    ).distinct()
    units = (
        scope.visible_to(request.user, Unit)
        .filter(is_active=True, kind=Unit.Kind.DEPARTMENT)
        .order_by("sort_order", "id")
    )
    return render(
        request,
        "projects/key_new.html",
        {
            "error": error,
            "values": values,
            "leaders": leaders,
            "units": units,
            "year": timezone.localdate().year,
        },
        status=400 if error else 200,
    )


@staff_required()
def key_report(request, fmt: str):
    year = _year(request)
    month = _month(request.GET.get("month", "")) or timezone.localdate().replace(day=1)
    if fmt == "xlsx":
        return keyboard.report_xlsx(request.user, year, month)
    if fmt == "docx":
        return keyboard.report_docx(request.user, year, month)
    raise Http404
