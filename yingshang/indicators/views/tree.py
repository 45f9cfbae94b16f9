"""The indicator tree of a year (read by all staff, edited by the 营商办) and opening periods."""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError, InvalidInput
from yingshang.indicators import measures, selectors, services
from yingshang.indicators.models import Direction, Indicator, Source, Transform, Tree
from yingshang.indicators.scopes import OFFICE, READERS, is_office
from yingshang.indicators.services import tree_excel
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.spreadsheets import xlsx_response
from yingshang.workbench.access import staff_required


def _tree(request, year=None) -> Tree | None:
    qs = selectors.trees(request.user)
    if year is not None:
        version = request.GET.get("version", "")
        if version.isdigit():
            qs = qs.filter(version=int(version))
        tree = qs.filter(year=year).first()
        if tree is None:
            raise Http404
        return tree
    return qs.first()


def _units(user):
    return (
        scope.visible_to(user, Unit)
        .filter(is_active=True)
        .exclude(kind=Unit.Kind.SECTION)
        .order_by("sort_order", "id")
    )


@staff_required(*READERS)
def tree(request, year=None):
    t = _tree(request, year)
    indicators = []
    if t is not None:
        indicators = list(
            t.indicators.select_related("lead_unit")
            .prefetch_related("co_units")
            .order_by("sort_order", "id")
        )
    parents = {i.parent_id for i in indicators if i.is_active}
    return render(
        request,
        "indicators/tree.html",
        {
            "tree": t,
            "trees": selectors.trees(request.user),
            "indicators": indicators,
            "parents": parents,
            "is_office": is_office(scope.grants(request.user)),
            "next_year": (t.year + 1) if t else timezone.localdate().year,
        },
    )


@staff_required(OFFICE)
@require_POST
def tree_create(request):
    try:
        year = int(request.POST.get("year", ""))
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(request, _("请填写有效的评价年度"))
        return redirect("indicators:tree")
    try:
        t = services.tree_create(actor=request.user, year=year)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("indicators:tree")
    messages.success(request, _("已建立%(y)d年度指标体系。") % {"y": t.year})
    return redirect("indicators:tree_year", year=t.year)


FIELDS = (
    "name",
    "weight",
    "measure_unit",
    "direction",
    "best",
    "worst",
    "transform",
    "exponent",
    "source",
    "measure_key",
    "description",
    "lead_unit_id",
)


def _edit_context(request, ind, **extra):
    return {
        "ind": ind,
        "is_leaf": not ind.children.filter(is_active=True).exists(),
        "units": _units(request.user),
        "co_ids": set(ind.co_units.values_list("pk", flat=True)),
        "directions": Direction.choices,
        "transforms": Transform.choices,
        "sources": Source.choices,
        "measure_choices": measures.choices(),
        "is_office": is_office(scope.grants(request.user)),
        "error": "",
        "posted": {},
        **extra,
    }


@staff_required(*READERS)
def indicator(request, pk):
    ind = scope.get_for(request.user, Indicator, pk)
    if request.method == "POST":
        if not is_office(scope.grants(request.user)):
            return render(
                request,
                "indicators/indicator.html",
                _edit_context(request, ind, error=_("只有营商办可以修改指标体系")),
                status=403,
            )
        post = request.POST
        fields = {k: post[k] for k in FIELDS if k in post}
        if "by_site_present" in post:
            fields["by_site"] = post.get("by_site") == "1"
        if "co_units_present" in post:
            fields["co_unit_ids"] = post.getlist("co_units")
        try:
            edited = services.indicator_update(
                actor=request.user, indicator=ind, reason=post.get("reason", ""), **fields
            )
        except DomainError as exc:
            return render(
                request,
                "indicators/indicator.html",
                _edit_context(request, ind, error=exc.message, posted=post),
                status=exc.status,
            )
        if edited.tree_id != ind.tree_id:
            messages.success(
                request,
                _("该版本已被评价期次使用并锁定，修改已保存到新版本（第%(v)d版）。")
                % {"v": edited.tree.version},
            )
        else:
            messages.success(request, _("指标已保存。"))
        return redirect("indicators:indicator", pk=edited.pk)
    return render(request, "indicators/indicator.html", _edit_context(request, ind))


@staff_required(OFFICE)
@require_POST
def indicator_add(request, pk):
    parent = scope.get_for(request.user, Indicator, pk)
    try:
        child = services.indicator_add(
            actor=request.user, parent=parent, name=request.POST.get("name", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("indicators:indicator", pk=parent.pk)
    messages.success(request, _("已增加下级指标，请设置牵头单位、前沿值和权重。"))
    return redirect("indicators:indicator", pk=child.pk)


@staff_required(OFFICE)
@require_POST
def indicator_deactivate(request, pk):
    ind = scope.get_for(request.user, Indicator, pk)
    try:
        ind = services.indicator_deactivate(
            actor=request.user, indicator=ind, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return render(
            request,
            "indicators/indicator.html",
            _edit_context(request, ind, error=exc.message),
            status=exc.status,
        )
    messages.success(request, _("指标已停用（记录保留）。"))
    return redirect("indicators:tree_year", year=ind.tree.year)


def _date(value, label):
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput("DATE_INVALID", _("%(label)s不是有效日期") % {"label": label}) from None


@staff_required(OFFICE)
def period_new(request):
    trees = selectors.trees(request.user)
    newest = {}
    for pk, year in trees.values_list("pk", "year"):  # newest version first
        newest.setdefault(year, pk)
    trees = trees.filter(pk__in=newest.values())  # a round opens on the year's newest version
    ctx = {"trees": trees, "error": "", "posted": request.POST}
    if request.method == "POST":
        post = request.POST
        try:
            t = trees.filter(pk=post.get("tree") or 0).first()
            if t is None:
                raise InvalidInput("INDICATOR_TREE_REQUIRED", _("请选择指标体系"))
            days = post.get("due_working_days") or "10"
            if not days.isdigit() or not 1 <= int(days) <= 120:
                raise InvalidInput("INDICATOR_DUE_INVALID", _("报送时限应为1到120个工作日"))
            period = services.period_open(
                actor=request.user,
                tree=t,
                code=post.get("code", ""),
                name=post.get("name", ""),
                starts_on=_date(post.get("starts_on"), _("统计起始日")),
                ends_on=_date(post.get("ends_on"), _("统计截止日")),
                due_working_days=int(days),
            )
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, "indicators/period_new.html", ctx, status=exc.status)
        messages.success(
            request,
            _("已开启“%(n)s”，各牵头单位须于%(d)s前报送。")
            % {"n": period.name, "d": period.due_on},
        )
        return redirect(f"{redirect('indicators:values').url}?period={period.code}")
    return render(request, "indicators/period_new.html", ctx)


@staff_required(*READERS)
def tree_export(request, year):
    t = _tree(request, year)
    return xlsx_response(
        f"营商环境评价指标体系{t.year}v{t.version}.xlsx",
        t.name[:31],
        tree_excel.HEADERS,
        tree_excel.rows(t),
    )
