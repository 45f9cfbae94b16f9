import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.dbrouting import reporting
from yingshang.errors import DomainError, InvalidInput
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.spreadsheets import xlsx_response
from yingshang.supervision import import_preview, importer, selectors, services
from yingshang.supervision.actions import DONE, PROBLEM_ACTIONS
from yingshang.supervision.models import (
    Category,
    Evidence,
    ImportJob,
    InspectionForm,
    Problem,
    ProblemCoUnit,
)
from yingshang.workbench.access import staff_required

FILTER_KEYS = ("status", "unit", "category", "source", "severity", "overdue", "flag", "q", "co")


def _filters(request) -> dict:
    return {k: request.GET.get(k, "") for k in FILTER_KEYS if request.GET.get(k, "")}


def _filter_context(request) -> dict:
    services.ensure_categories()
    g = scope.grants(request.user)
    units = (
        scope.visible_to(request.user, Unit).filter(is_active=True).exclude(kind=Unit.Kind.SECTION)
    )
    if not (g.sees_all):
        units = units.filter(pk__in=g.units())
    return {
        "filters": _filters(request),
        "query": urlencode(_filters(request)),
        "unit_choices": units.order_by("sort_order", "id"),
        "categories": Category.objects.filter(is_active=True),
        "statuses": Problem.Status.choices,
        "sources": Problem.Source.choices,
        "severities": Problem.Severity.choices,
        "is_supervisor": g.has(Role.SUPERVISOR),
        "countywide": g.countywide,
    }


@staff_required()
@reporting()
def board(request):
    pages = {
        s: int(request.GET.get(f"p_{s}", 1)) if request.GET.get(f"p_{s}", "1").isdigit() else 1
        for s in selectors.BOARD_COLUMNS
    }
    columns = selectors.board(request.user, _filters(request), pages)
    return render(
        request, "supervision/board.html", {**_filter_context(request), "columns": columns}
    )


@staff_required()
def problem_list(request):
    qs = (
        selectors.filtered(request.user, request.GET)
        .select_related("owner_unit", "category")
        .order_by("deadline_at", "id")
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/list.html", {**_filter_context(request), "page": page})


# the export reads back in (importer.FIELDS guesses every header): a re-import updates each
# problem by its number
EXPORT_HEADERS = [
    "问题编号",
    "问题类别",
    "问题来源",
    "问题描述",
    "责任单位",
    "配合单位",
    "责任领导",
    "整改措施",
    "完成时限",
    "进展情况",
    "状态",
]


def export_rows(qs):
    for p in (
        qs.select_related("owner_unit", "category")
        .prefetch_related("co_unit_links__unit")
        .order_by("id")
        .iterator(chunk_size=2000)
    ):
        deadline = timezone.localtime(p.deadline_at).date() if p.deadline_at else None
        status = p.get_status_display() + (importer.OVERDUE_MARK if p.overdue and p.is_open else "")
        yield [
            p.number,
            p.category.name if p.category else "",
            p.get_source_display(),
            p.description,
            p.owner_unit.name,
            "、".join(sorted(c.unit.name for c in p.co_unit_links.all())),
            p.leader_name,
            p.measures,
            deadline,
            p.latest_progress,
            status,
        ]


@staff_required()
@reporting()
def export(request):
    qs = selectors.filtered(request.user, request.GET)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(
        f"问题整改台账{stamp}.xlsx", _("问题整改台账"), EXPORT_HEADERS, export_rows(qs)
    )


@staff_required()
@reporting()
def unit_summary(request):
    return render(
        request,
        "supervision/units.html",
        {
            **_filter_context(request),
            "rows": selectors.unit_summary(request.user, _filters(request)),
            "last_month": (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime(
                "%Y-%m"
            ),
        },
    )


@staff_required(Role.SUPERVISOR)
@require_POST
def from_overdue_orders(request):
    """Supervisor action: problems for units with ≥ N overdue 12345 orders on one topic in a month."""
    from yingshang.supervision import patterns

    try:
        year, month = (int(x) for x in request.POST.get("month", "").split("-"))
        month_day = dt.date(year, month, 1)
        threshold = int(request.POST.get("threshold") or 3)
    except ValueError:
        messages.error(request, _("请填写有效的月份和件数"))
        return redirect("supervision:units")
    made = patterns.problems_from_overdue_orders(
        actor=request.user, month=month_day, threshold=threshold
    )
    if made:
        messages.success(request, _("已根据超期工单生成或找到%(n)d个问题。") % {"n": len(made)})
    else:
        messages.info(request, _("该月没有单位同类工单超期达到%(n)d件。") % {"n": threshold})
    return redirect(f"{redirect('supervision:list').url}?source=hotline")


@staff_required()
def milestone_calendar(request):
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    weeks, total = selectors.month_milestones(request.user, year, month)
    prev_m = dt.date(year, month, 1) - dt.timedelta(days=1)
    next_m = dt.date(year + (month == 12), month % 12 + 1, 1)
    return render(
        request,
        "supervision/calendar.html",
        {
            "weeks": weeks,
            "total": total,
            "year": year,
            "month": month,
            "today": today,
            "prev": f"{prev_m.year}-{prev_m.month:02d}",
            "next": f"{next_m.year}-{next_m.month:02d}",
            "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        },
    )


@staff_required()
@reporting()
def weekly(request):
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    monday, sunday = selectors.week_bounds(day)
    return render(
        request,
        "supervision/weekly.html",
        {
            "rows": selectors.weekly(request.user, monday),
            "monday": monday,
            "sunday": sunday,
            "prev": (monday - dt.timedelta(days=7)).isoformat(),
            "next": (monday + dt.timedelta(days=7)).isoformat(),
            "reports": selectors.progress_this_week(request.user, monday),
        },
    )


# --- one problem ------------------------------------------------------------------------------
def _detail_context(request, problem, *, error_for="", error="", posted=None):
    return {
        "p": problem,
        "can": scope.abilities(request.user, problem),
        "milestones": problem.milestones.all(),
        "reports": problem.progress_reports.select_related("author", "unit").prefetch_related(
            "evidence"
        ),
        "evidence": problem.evidence.filter(progress__isnull=True),
        "co_units": Unit.objects.filter(
            pk__in=ProblemCoUnit.objects.filter(problem=problem).values("unit_id")
        ),
        "error_for": error_for,
        "error": error,
        "posted": posted or {},
        "upload_max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    }


@staff_required()
def detail(request, pk):
    problem = scope.get_for(
        request.user,
        Problem,
        pk,
        queryset=Problem.objects.select_related("owner_unit", "category", "leader", "import_job"),
    )
    return render(request, "supervision/detail.html", _detail_context(request, problem))


def _date(value, label):
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput("DATE_INVALID", _("%(label)s不是有效日期") % {"label": label}) from None


@staff_required()
@require_POST
def act(request, pk, action):
    """Every button of the detail page (PROBLEM_ACTIONS)."""
    problem = scope.get_for(
        request.user, Problem, pk, queryset=Problem.objects.select_related("owner_unit")
    )
    exc = PROBLEM_ACTIONS.post(action, request, problem)
    if exc is not None:
        problem.refresh_from_db()
        ctx = _detail_context(
            request, problem, error_for=action, error=exc.message, posted=request.POST
        )
        return render(request, "supervision/detail.html", ctx, status=exc.status)
    messages.success(request, DONE[action])
    return redirect("supervision:detail", pk=problem.pk)


@staff_required()
def evidence_file(request, pk):
    ev = Evidence.objects.filter(pk=pk).first()
    if ev is None:
        raise Http404
    scope.get_for(request.user, Problem, ev.problem_id)  # 404 when the problem is out of scope
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = ev.content_type.startswith("image/") or ev.content_type == "application/pdf"
    response = FileResponse(
        handle, content_type=ev.content_type, as_attachment=not inline, filename=ev.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required(Role.SUPERVISOR)
def create(request):
    ctx = {**_filter_context(request), "posted": request.POST, "error": ""}
    ctx["all_units"] = (
        scope.visible_to(request.user, Unit)
        .filter(is_active=True)
        .exclude(kind=Unit.Kind.SECTION)
        .order_by("sort_order", "id")
    )
    if request.method == "POST":
        post = request.POST
        try:
            units = scope.visible_to(request.user, Unit)
            unit = units.filter(pk=post.get("unit") or 0).first()
            deadline = _date(post["deadline"], _("整改时限")) if post.get("deadline") else None
            milestones = []
            for title, due in zip(post.getlist("ms_title"), post.getlist("ms_due"), strict=False):
                if title.strip():
                    milestones.append((title, _date(due, _("节点完成时限"))))
            problem = services.problem_create(
                actor=request.user,
                unit=unit,
                description=post.get("description", ""),
                source=post.get("source") or Problem.Source.SUPERVISION_VISIT,
                category=Category.objects.filter(pk=post.get("category") or 0).first(),
                severity=post.get("severity") or None,
                co_units=list(
                    units.filter(pk__in=[x for x in post.getlist("co_units") if x.isdigit()])
                ),
                leader_name=post.get("leader_name", ""),
                measures=post.get("measures", ""),
                deadline=deadline,
                deadline_days=None if deadline else 30,
                milestones=milestones,
            )
            messages.success(
                request, _("问题%(number)s已登记并交办。") % {"number": problem.number}
            )
            return redirect("supervision:detail", pk=problem.pk)
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, "supervision/create.html", ctx, status=400)
    return render(request, "supervision/create.html", ctx)


# --- Excel import ------------------------------------------------------------------------------
@staff_required(Role.SUPERVISOR)
def import_upload(request):
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要导入的Excel文件")
        elif upload.size > settings.UPLOAD_MAX_BYTES:
            error = _("文件超过大小上限（%(mb)d MB）") % {
                "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)
            }
        else:
            job = ImportJob(
                created_by=request.user, created_at=timezone.now(), original_name=upload.name[:200]
            )
            job.file.save(f"ledger-{timezone.now():%Y%m%d%H%M%S}.xlsx", upload, save=False)
            try:
                header_no, headers, preview, count = importer.read_sheet(job.file.path)
            except Exception:
                job.file.delete(save=False)
                error = _("无法读取该文件，请上传Excel（.xlsx）格式的台账")
            else:
                if not any(headers):
                    error = _("没有找到表头行")
                else:
                    job.headers, job.preview, job.total = headers, preview, count
                    job.mapping = {**importer.guess_mapping(headers), "_header_row": header_no}
                    job.save()
                    return redirect("supervision:import_map", pk=job.pk)
    jobs = scope.visible_to(request.user, ImportJob).order_by("-id")[:10]
    return render(request, "supervision/import_upload.html", {"error": error, "jobs": jobs})


@staff_required(Role.SUPERVISOR)
def import_map(request, pk):
    job = scope.get_for(request.user, ImportJob, pk)
    if job.status != ImportJob.Status.UPLOADED:
        return redirect("supervision:import_status", pk=job.pk)
    error = ""
    mapping = dict(job.mapping)
    if request.method == "POST":
        for field, _label, _names in importer.FIELDS:
            v = request.POST.get(f"map_{field}", "")
            mapping[field] = int(v) if v.isdigit() and int(v) < len(job.headers) else None
        missing = [
            str(importer.FIELD_LABELS[f]) for f in importer.REQUIRED if mapping.get(f) is None
        ]
        if missing:
            error = _("请为以下字段选择对应的列：%(fields)s") % {"fields": "、".join(missing)}
        elif "refresh" in request.POST:  # 更新预览: the new mapping, nothing started
            job.mapping = mapping
            job.save(update_fields=["mapping"])
        else:
            # the importer's decision on every adjusted deadline (import_preview.decide)
            shown = import_preview.build(job, _columns(mapping))["adjustments"]
            mapping[import_preview.ADJUST_KEY] = import_preview.decide(job, request.POST, shown)
            job.mapping = mapping
            job.all_or_nothing = request.POST.get("all_or_nothing") == "1"
            job.status = ImportJob.Status.QUEUED
            job.save()
            from yingshang.supervision.tasks import run_import

            run_import.enqueue(job.pk)
            return redirect("supervision:import_status", pk=job.pk)
    fields = [
        {"key": k, "label": label, "selected": mapping.get(k), "required": k in importer.REQUIRED}
        for k, label, _n in importer.FIELDS
    ]
    preview = []
    for row in job.preview:
        preview.append(
            [
                row[mapping[f["key"]]]
                if mapping.get(f["key"]) is not None and mapping[f["key"]] < len(row)
                else ""
                for f in fields
            ]
        )
    plan = None
    if all(mapping.get(f) is not None for f in importer.REQUIRED):
        plan = import_preview.build(job, _columns(mapping))
    return render(
        request,
        "supervision/import_map.html",
        {
            "job": job,
            "fields": fields,
            "headers": list(enumerate(job.headers)),
            "preview": preview,
            "plan": plan,
            "error": error,
            "all_or_nothing": job.all_or_nothing
            if request.method == "GET"
            else request.POST.get("all_or_nothing") == "1",
        },
    )


def _columns(mapping: dict) -> dict:
    return {k: v for k, v in mapping.items() if not k.startswith("_")}


@staff_required(Role.SUPERVISOR)
def import_status(request, pk):
    job = scope.get_for(request.user, ImportJob, pk)
    template = (
        "supervision/_import_progress.html" if request.htmx else "supervision/import_status.html"
    )
    return render(request, template, {"job": job})


@staff_required(Role.SUPERVISOR)
@require_POST
def import_retry(request, pk):
    job = scope.get_for(request.user, ImportJob, pk)
    try:
        importer.import_retry(actor=request.user, job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:import_status", pk=job.pk)


# --- self-inspection forms ---------------------------------------------------------------------
@staff_required()
def forms_list(request):
    g = scope.grants(request.user)
    error = ""
    if request.method == "POST" and g.has(Role.SUPERVISOR):
        items = [
            (request.POST.get(f"cat_{i}", ""), request.POST.get(f"q_{i}", "")) for i in range(1, 21)
        ]
        try:
            days = int(request.POST.get("deadline_days") or 30)
            form = services.inspection_form_create(
                actor=request.user,
                title=request.POST.get("title", ""),
                intro=request.POST.get("intro", ""),
                items=items,
                deadline_days=days,
            )
            messages.success(request, _("自查表已发布。"))
            return redirect("supervision:form_fill", pk=form.pk)
        except (DomainError, ValueError) as exc:
            error = getattr(exc, "message", _("整改时限应为工作日天数"))
    services.ensure_categories()
    forms = scope.visible_to(request.user, InspectionForm).order_by("-id")[:50]
    return render(
        request,
        "supervision/forms.html",
        {
            "forms": forms,
            "error": error,
            "posted": request.POST,
            "is_supervisor": g.has(Role.SUPERVISOR),
            "categories": Category.objects.filter(is_active=True),
            "rows": range(1, 7),
        },
    )


@staff_required()
def form_fill(request, pk):
    form = scope.get_for(request.user, InspectionForm, pk)
    g = scope.grants(request.user)
    my_units = Unit.objects.filter(pk__in=g.units(Role.DEPT_HANDLER, Role.DEPT_HEAD)).order_by(
        "sort_order"
    )
    items = list(form.items.select_related("category"))
    error = ""
    if request.method == "POST":
        posted_unit = request.POST.get("unit") or ""
        if posted_unit:
            unit = my_units.filter(pk=posted_unit if posted_unit.isdigit() else 0).first()
        else:
            unit = my_units.first() if my_units.count() == 1 else None
        answers = {i.pk: request.POST.get(f"item_{i.pk}", "").splitlines() for i in items}
        try:
            if unit is None:
                raise DomainError("FORM_UNIT_REQUIRED", _("请选择填报单位"), status=400)
            made = services.inspection_submit(
                actor=request.user, form=form, unit=unit, answers=answers
            )
            messages.success(request, _("已填报，%(n)d个问题已进入问题台账。") % {"n": len(made)})
            return redirect(
                f"{redirect('supervision:list').url}?unit={unit.pk}&source=self_inspection"
            )
        except DomainError as exc:
            error = exc.message
    submissions = form.submissions.select_related("unit", "submitted_by")
    if not (g.sees_all):
        submissions = submissions.filter(unit_id__in=g.units())
    return render(
        request,
        "supervision/form_fill.html",
        {
            "form": form,
            "items": items,
            "my_units": my_units,
            "error": error,
            "posted": request.POST,
            "submissions": submissions[:100],
        },
    )
