"""Pages of the rounds: the weekly dispatch view per 指标长, sites and per-site values, the
records behind a measured value, the tree's Excel import, publication and the portal page."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.indicators import measures, scoring, selectors, services
from yingshang.indicators.models import Period, Site, Source, Value
from yingshang.indicators.scopes import OFFICE, READERS, is_office
from yingshang.org import scope
from yingshang.workbench.access import staff_required
from yingshang.workcal import periods as wperiods


@staff_required(*READERS)
def dispatch(request):
    period = selectors.period_from(request.user, request.GET.get("period"))
    week = wperiods.parse_or_current(request.GET.get("week"), "week")
    if week.kind != "week":
        week = wperiods.current("week")
    rows = selectors.dispatch(request.user, period, week.first) if period else []
    return render(
        request,
        "indicators/dispatch.html",
        {
            "period": period,
            "periods": selectors.periods(request.user)[:40],
            "rows": rows,
            "week": week,
            "prev_week": wperiods.period_of("week", week.first - dt.timedelta(days=7)),
            "next_week": wperiods.period_of("week", week.last + dt.timedelta(days=1)),
            "is_office": is_office(scope.grants(request.user)),
        },
    )


def _sites_ctx(request, **extra):
    return {
        "sites": scope.visible_to(request.user, Site).order_by("code"),
        "kinds": Site.Kind.choices,
        "is_office": is_office(scope.grants(request.user)),
        "error": "",
        "posted": {},
        **extra,
    }


@staff_required(*READERS)
def sites(request):
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("site"):
                site = scope.get_for(request.user, Site, post["site"])
                services.site_update(
                    actor=request.user,
                    site=site,
                    weight=post.get("weight") or None,
                    is_active=None if "is_active" not in post else post["is_active"] == "1",
                    reason=post.get("reason", ""),
                )
            else:
                services.site_create(
                    actor=request.user,
                    code=post.get("code", ""),
                    name=post.get("name", ""),
                    weight=post.get("weight", ""),
                    kind=post.get("kind") or Site.Kind.TOWN,
                )
        except DomainError as exc:
            ctx = _sites_ctx(request, error=exc.message, posted=post)
            return render(request, "indicators/sites.html", ctx, status=exc.status)
        messages.success(request, _("测算站点已保存。"))
        return redirect("indicators:sites")
    return render(request, "indicators/sites.html", _sites_ctx(request))


@staff_required(*READERS)
@require_POST
def value_sites(request, pk):
    from yingshang.indicators.views.values import VALUE_QS, _detail_context

    value = scope.get_for(request.user, Value, pk, queryset=VALUE_QS)
    numbers = {
        key.removeprefix("site_"): raw
        for key, raw in request.POST.items()
        if key.startswith("site_") and raw.strip()
    }
    try:
        services.value_sites(actor=request.user, value=value, numbers=numbers)
    except DomainError as exc:
        value = scope.get_for(request.user, Value, pk, queryset=VALUE_QS)
        ctx = _detail_context(
            request, value, error_for="sites", error=exc.message, posted=request.POST
        )
        return render(request, "indicators/value.html", ctx, status=exc.status)
    messages.success(request, _("分站点数值已保存，指标值为各站点的加权平均。"))
    return redirect("indicators:value", pk=pk)


def _detail_url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


@staff_required(*READERS)
def value_records(request, pk):
    """The records a measured value counted, as far as the user's scope shows them."""
    from yingshang.indicators.views.values import VALUE_QS

    value = scope.get_for(request.user, Value, pk, queryset=VALUE_QS)
    ind = value.indicator
    qs = measures.records(ind.measure_key, value.period) if ind.source == Source.MEASURED else None
    if qs is None:
        raise Http404
    visible = scope.visible_to(request.user, qs.model)
    qs = qs.filter(pk__in=visible.values("pk")).order_by("-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    url_name = measures.DETAIL_URLS.get(qs.model._meta.label_lower, "")
    rows = [{"obj": obj, "url": _detail_url(url_name, obj.pk) if url_name else ""} for obj in page]
    return render(
        request,
        "indicators/records.html",
        {
            "v": value,
            "ind": ind,
            "page": page,
            "rows": rows,
            "model": qs.model._meta.verbose_name,
            "counted": (value.measured or {}).get("n"),
        },
    )


@staff_required(OFFICE)
def tree_import(request, year):
    from yingshang.indicators.views.tree import _tree

    t = _tree(request, year)
    ctx = {"tree": t, "error": "", "errors": []}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(
                    "INDICATOR_IMPORT_NO_FILE", _("请选择要导入的Excel文件"), status=400
                )
            written = services.tree_import(actor=request.user, tree=t, upload=upload)
        except DomainError as exc:
            ctx["error"] = exc.message
            ctx["errors"] = (exc.details or {}).get("errors", [])
            return render(request, "indicators/tree_import.html", ctx, status=exc.status)
        messages.success(
            request,
            _("指标体系已导入（%(y)d年度第%(v)d版）。") % {"y": written.year, "v": written.version},
        )
        return redirect(
            f"{reverse('indicators:tree_year', args=[written.year])}?version={written.version}"
        )
    return render(request, "indicators/tree_import.html", ctx)


@staff_required(OFFICE)
@require_POST
def publish(request, code):
    period = selectors.periods(request.user).filter(code=code).first()
    if period is None:
        raise Http404
    try:
        if request.POST.get("undo"):
            services.period_unpublish(
                actor=request.user, period=period, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("已撤回门户上公布的得分。"))
        else:
            services.period_publish(actor=request.user, period=period)
            messages.success(request, _("得分已在门户公布。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('indicators:home')}?period={period.code}")


def public(request):
    """The portal page: the county's published scores (approved values only), newest first."""
    published = list(
        Period.objects.filter(published=True).select_related("tree").order_by("-ends_on")[:12]
    )
    current = published[0] if published else None
    code = request.GET.get("period")
    if code:
        current = next((p for p in published if p.code == code), current)
    result = scoring.compute(current) if current else None
    return render(
        request,
        "indicators/public.html",
        {
            "published": published,
            "period": current,
            "result": result,
            "radar": _public_radar(result) if result else None,
        },
    )


def _public_radar(result) -> dict:
    from yingshang.indicators.views.scores import _radar

    return _radar(result)
