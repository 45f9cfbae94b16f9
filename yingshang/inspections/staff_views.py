"""Staff pages (/staff/inspections/…): registers, plans with their draws, inspections with their
actions, the quiet-day exceptions report and objections. Every write goes through a service
(directly, or through the action registries in actions.py)."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.credit.models import Severity
from yingshang.credit.publicity import rules_by_code
from yingshang.enterprises.models import Firm
from yingshang.errors import DomainError, InvalidInput
from yingshang.inspections import risk, selectors, services
from yingshang.inspections.actions import INSPECTION_ACTIONS, PLAN_ACTIONS
from yingshang.inspections.models import (
    Inspection,
    Inspector,
    Matter,
    Objection,
    Plan,
    QuietException,
    RuleDoc,
)
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required


def _date(raw: str, field: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        raise InvalidInput(
            "INSPECTIONS_DATE_INVALID",
            _("%(label)s不是有效日期") % {"label": label},
            details={"field": field},
        ) from None


def _int(raw: str, field: str, label: str) -> int:
    try:
        return int((raw or "").strip())
    except ValueError:
        raise InvalidInput(
            "INSPECTIONS_NUMBER_INVALID",
            _("%(label)s应为整数") % {"label": label},
            details={"field": field},
        ) from None


def _percent_bp(raw: str, field: str, label: str) -> int:
    """A percentage typed on a page ("5" or "5.5") as basis points."""
    try:
        return round(float((raw or "").strip()) * 100)
    except ValueError:
        raise InvalidInput(
            "INSPECTIONS_NUMBER_INVALID",
            _("%(label)s应为百分数，如 5") % {"label": label},
            details={"field": field},
        ) from None


def _my_units(user):
    g = scope.grants(user)
    if g.has(Role.ADMIN):
        return (
            scope.visible_to(user, Unit)
            .filter(kind=Unit.Kind.DEPARTMENT)
            .order_by("sort_order", "pk")
        )
    return (
        scope.visible_to(user, Unit)
        .filter(pk__in=g.units(Role.DEPT_HANDLER, Role.DEPT_HEAD))
        .order_by("pk")
    )


@staff_required()
def home(request):
    plans = selectors.plans_for(request.user)
    unit = request.GET.get("unit", "")
    if unit.isdigit():  # the assessment's drill-down: one lead unit's plans
        plans = plans.filter(lead_unit_id=int(unit))
    page = Paginator(plans, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/staff/home.html",
        {
            "page": page,
            "can_plan": _my_units(request.user).exists(),
            "query": f"unit={unit}" if unit.isdigit() else "",
        },
    )


@staff_required(Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.ADMIN)
def plan_new(request):
    units = list(_my_units(request.user))
    all_units = (
        scope.visible_to(request.user, Unit)
        .filter(kind=Unit.Kind.DEPARTMENT, is_active=True)
        .order_by("sort_order", "pk")
    )
    matters = Matter.objects.filter(active=True).select_related("unit").order_by("unit_id", "code")
    ctx = {
        "units": units,
        "all_units": all_units,
        "matters": matters,
        "sizes": Firm.Size.choices,
        "min_ratio": services.config().min_ratio_bp / 100,
        "posted": request.POST,
    }
    if request.method == "POST":
        post = request.POST
        try:
            lead = next((u for u in units if str(u.pk) == post.get("lead_unit")), None)
            if lead is None:
                raise InvalidInput(
                    "INSPECTIONS_LEAD_UNIT_REQUIRED",
                    _("请选择牵头单位"),
                    details={"field": "lead_unit"},
                )
            grade = {
                g: _percent_bp(post.get(f"ratio_{g}"), f"ratio_{g}", _("%(g)s级比例") % {"g": g})
                for g in "ABCD"
                if (post.get(f"ratio_{g}") or "").strip()
            }
            plan = services.plan_create(
                actor=request.user,
                title=post.get("title", ""),
                lead_unit=lead,
                units=list(
                    all_units.filter(pk__in=[v for v in post.getlist("units") if v.isdigit()])
                ),
                matters=list(
                    matters.filter(pk__in=[v for v in post.getlist("matters") if v.isdigit()])
                ),
                ratio_bp=_percent_bp(post.get("ratio"), "ratio", _("抽查比例")),
                grade_ratios=grade,
                per_entity=_int(post.get("per_entity", "2"), "per_entity", _("每户检查人员数")),
                exclude_same_region=post.get("exclude_same_region") == "1",
                rounds_per_year=_int(
                    post.get("rounds_per_year", "2"), "rounds_per_year", _("每年轮次")
                ),
                window_start=_date(post.get("window_start"), "window_start", _("检查开始日期")),
                window_end=_date(post.get("window_end"), "window_end", _("检查结束日期")),
                industry_prefixes=post.get("industry_prefixes", "").replace("，", ",").split(","),
                region_codes=post.get("region_codes", "").replace("，", ",").split(","),
                sizes=post.getlist("sizes"),
            )
        except DomainError as exc:
            return render(
                request,
                "inspections/staff/plan_new.html",
                {**ctx, "error": exc.message},
                status=exc.status,
            )
        messages.success(request, _("抽查计划已制定：%(n)s") % {"n": plan.number})
        return redirect("inspections:plan", pk=plan.pk)
    return render(request, "inspections/staff/plan_new.html", ctx)


def _plan_context(request, plan, **extra):
    abilities = scope.abilities(request.user, plan)
    inspections = Paginator(
        selectors.inspections_for(request.user, plan_id=plan.pk).prefetch_related("inspectors"), 50
    ).get_page(request.GET.get("page"))
    return {
        "plan": plan,
        "draws": plan.draws.order_by("round_no", "attempt"),
        "inspections": inspections,
        "buttons": PLAN_ACTIONS.buttons(abilities),
        "allowed": set(PLAN_ACTIONS.table.allowed(plan.status)),
        "abilities": abilities,
        "grades": risk.LABELS,
        "reason_actions": {
            a.name for a in PLAN_ACTIONS.actions if "reason" in a.schema.model_fields
        },
        **extra,
    }


@staff_required()
def plan_detail(request, pk: int):
    plan = scope.get_for(request.user, Plan, pk)
    return render(request, "inspections/staff/plan.html", _plan_context(request, plan))


@staff_required()
@require_POST
def plan_action(request, pk: int, action: str):
    plan = scope.get_for(request.user, Plan, pk)
    try:
        PLAN_ACTIONS.execute(
            action, actor=request.user, obj=plan, data=PLAN_ACTIONS.form_data(action, request.POST)
        )
    except DomainError as exc:
        plan.refresh_from_db()
        ctx = _plan_context(request, plan, error=exc.message, error_for=action)
        return render(request, "inspections/staff/plan.html", ctx, status=exc.status)
    messages.success(request, _("已完成：%(a)s") % {"a": PLAN_ACTIONS.get(action).label})
    return redirect("inspections:plan", pk=plan.pk)


def _inspection_context(request, inspection, **extra):
    abilities = scope.abilities(request.user, inspection)
    allowed = set(INSPECTION_ACTIONS.table.allowed(inspection.status))
    if inspection.problem_id:  # already in the ledger: the link below, not the button
        allowed.discard("open_problem")
    if inspection.penalty_id or inspection.result != Inspection.Result.CASE:
        allowed.discard("record_penalty")  # only after 立案查处, once
    return {
        "i": inspection,
        # the active publicity rules (put back by credit when a flushed database lost them)
        "penalty_rules": sorted(rules_by_code().values(), key=lambda r: (r.order, r.code)),
        "severities": Severity.choices,
        "buttons": [
            (a, ok) for a, ok in INSPECTION_ACTIONS.buttons(abilities) if a.name in allowed
        ],
        "results": Inspection.Result.choices,
        "signatures": Inspection.Signature.choices,
        "categories": QuietException.Category.choices,
        "matters": inspection.plan.matters.order_by("code"),
        "versions": inspection.versions.order_by("version"),
        "objections": inspection.objections.order_by("-filed_at"),
        "exceptions": inspection.exceptions.order_by("-filed_at"),
        "others": _mergeable(inspection),
        "quiet": services.config(),
        **extra,
    }


def _mergeable(inspection):
    """Other units' open inspections of the same firm: candidates for one joint visit."""
    if inspection.status not in ("assigned", "scheduled"):
        return []
    return list(
        Inspection.objects.filter(firm_id=inspection.firm_id, status__in=["assigned", "scheduled"])
        .exclude(pk=inspection.pk)
        .exclude(plan_id=inspection.plan_id)
        .select_related("plan__lead_unit")[:10]
    )


@staff_required()
def inspection_detail(request, pk: int):
    inspection = scope.get_for(request.user, Inspection, pk)
    return render(
        request, "inspections/staff/inspection.html", _inspection_context(request, inspection)
    )


@staff_required()
@require_POST
def inspection_action(request, pk: int, action: str):
    inspection = scope.get_for(request.user, Inspection, pk)
    exc = INSPECTION_ACTIONS.post(action, request, inspection)
    if exc is not None:
        inspection.refresh_from_db()
        ctx = _inspection_context(
            request, inspection, error=exc.message, error_for=action, posted=request.POST
        )
        return render(request, "inspections/staff/inspection.html", ctx, status=exc.status)
    messages.success(request, _("已完成：%(a)s") % {"a": INSPECTION_ACTIONS.get(action).label})
    return redirect("inspections:inspection", pk=inspection.pk)


@staff_required()
def registers(request):
    """一单两库一细则 on one page, with the forms of the user's own units."""
    units = list(_my_units(request.user))
    error = ""
    status = 200
    if request.method == "POST" and units:
        form = request.POST.get("form")
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), units[0])
        try:
            if form == "matter":
                services.matter_add(
                    actor=request.user,
                    unit=unit,
                    code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                    legal_basis=request.POST.get("legal_basis", ""),
                    checklist=request.POST.get("checklist", "").splitlines(),
                )
            elif form == "inspector":
                services.inspector_add(
                    actor=request.user,
                    unit=unit,
                    code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                    region_code=request.POST.get("region_code", ""),
                    qualifications=request.POST.get("qualifications", ""),
                )
            elif form == "conflict":
                from yingshang.enterprises.selectors import firm_by_uscc

                inspector = scope.get_for(
                    request.user,
                    Inspector,
                    _int(request.POST.get("inspector"), "inspector", _("检查人员")),
                )
                firm = firm_by_uscc(request.POST.get("uscc", ""))
                if firm is None:
                    raise InvalidInput(
                        "INSPECTIONS_FIRM_UNKNOWN",
                        _("企业名录中没有这个统一社会信用代码"),
                        details={"field": "uscc"},
                    )
                services.conflict_declare(
                    actor=request.user,
                    inspector=inspector,
                    firm=firm,
                    reason=request.POST.get("reason", ""),
                )
            elif form == "withdraw":
                inspector = scope.get_for(
                    request.user,
                    Inspector,
                    _int(request.POST.get("inspector"), "inspector", _("检查人员")),
                )
                services.inspector_withdraw(
                    actor=request.user, inspector=inspector, reason=request.POST.get("reason", "")
                )
            elif form == "rule":
                services.rule_publish(
                    actor=request.user,
                    unit=unit,
                    title=request.POST.get("title", ""),
                    body=request.POST.get("body", ""),
                )
            messages.success(request, _("已保存"))
            return redirect("inspections:registers")
        except DomainError as exc:
            error, status = exc.message, exc.status
    ctx = {
        "units": units,
        "matters": scope.visible_to(request.user, Matter)
        .select_related("unit")
        .order_by("unit_id", "code"),
        "inspectors": Paginator(
            scope.visible_to(request.user, Inspector).select_related("unit").order_by("code"), 50
        ).get_page(request.GET.get("page")),
        "rules": scope.visible_to(request.user, RuleDoc).select_related("unit")[:20],
        "firms": Firm.objects.count(),
        "error": error,
        "posted": request.POST,
    }
    return render(request, "inspections/staff/registers.html", ctx, status=status)


@staff_required()
def exceptions(request):
    year, month = selectors.parse_month(request.GET.get("month", ""))
    rows = services.exceptions_of_month(year, month)
    return render(
        request,
        "inspections/staff/exceptions.html",
        {
            "rows": rows,
            "month": f"{year}-{month:02d}",
            "can_review": scope.grants(request.user).has(Role.SUPERVISOR, Role.ADMIN),
        },
    )


@staff_required(Role.SUPERVISOR, Role.ADMIN)
@require_POST
def exception_review(request, pk: int):
    exc = scope.get_for(request.user, QuietException, pk)
    try:
        services.exception_review(
            actor=request.user,
            exception=exc,
            confirmed=request.POST.get("confirmed") == "1",
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("审查意见已记录"))
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(f"{request.path.rsplit('/', 3)[0]}/?month={exc.planned_on:%Y-%m}")


@staff_required()
def objections(request):
    qs = (
        scope.visible_to(request.user, Objection)
        .select_related("inspection__firm", "result")
        .order_by("status", "-filed_at")
    )
    return render(
        request,
        "inspections/staff/objections.html",
        {"page": Paginator(qs, 30).get_page(request.GET.get("page"))},
    )


@staff_required(Role.SUPERVISOR, Role.ADMIN)
def config(request):
    cfg = services.config()
    if request.method == "POST":
        try:
            cfg = services.config_save(
                actor=request.user,
                min_ratio_bp=_percent_bp(
                    request.POST.get("min_ratio"), "min_ratio", _("最低抽查比例")
                ),
                quiet_from=_int(request.POST.get("quiet_from"), "quiet_from", _("宁静日起")),
                quiet_to=_int(request.POST.get("quiet_to"), "quiet_to", _("宁静日止")),
                exception_lead_days=_int(
                    request.POST.get("exception_lead_days"),
                    "exception_lead_days",
                    _("提前报备天数"),
                ),
                publish_days=_int(request.POST.get("publish_days"), "publish_days", _("公示时限")),
            )
            messages.success(request, _("抽查规则已保存"))
            return redirect("inspections:config")
        except DomainError as exc:
            return render(
                request,
                "inspections/staff/config.html",
                {"cfg": cfg, "error": exc.message},
                status=exc.status,
            )
    return render(request, "inspections/staff/config.html", {"cfg": cfg})
