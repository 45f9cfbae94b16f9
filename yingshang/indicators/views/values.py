"""Values of a period: the review list, one value (entry, evidence, review), Excel in and out."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang import workflow
from yingshang.errors import DomainError
from yingshang.indicators import scoring, selectors, services
from yingshang.indicators.actions import DONE, VALUE_ACTIONS
from yingshang.indicators.models import Evidence, Period, Value
from yingshang.indicators.scopes import READERS, is_office, may_import
from yingshang.indicators.services import importer
from yingshang.indicators.services.ledger import existing_problem
from yingshang.indicators.services.values import COMPARISONS
from yingshang.org import scope
from yingshang.spreadsheets import xlsx_response
from yingshang.workbench.access import staff_required

VALUE_QS = Value.objects.select_related("indicator", "indicator__lead_unit", "period__tree")


@staff_required(*READERS)
def value_list(request):
    period = selectors.period_from(request.user, request.GET.get("period"))
    status = request.GET.get("status", "")
    unit = request.GET.get("unit", "")
    page = None
    if period is not None:
        qs = scope.visible_to(request.user, Value, VALUE_QS).filter(period=period)
        if status in Value.Status.values:
            qs = qs.filter(status=status)
        if unit.isdigit():
            qs = qs.filter(indicator__lead_unit_id=int(unit))
        page = Paginator(qs.order_by("indicator__sort_order", "id"), 50).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "indicators/values.html",
        {
            "period": period,
            "periods": selectors.periods(request.user)[:40],
            "page": page,
            "status": status,
            "unit": unit,
            "statuses": Value.Status.choices,
            "is_office": is_office(scope.grants(request.user)),
        },
    )


def _detail_context(request, value, *, error_for="", error="", posted=None):
    ind = value.indicator
    score = None
    explain = ""
    if value.value is not None:
        try:
            score = scoring.value_score(value)
            explain = scoring.formula(ind)
        except DomainError as exc:
            explain = exc.message
    can = scope.abilities(request.user, value)
    problem = existing_problem(value) if value.status == Value.Status.APPROVED else None
    trend = selectors.trend(request.user, value)
    comparisons = []
    for key, label in COMPARISONS.items():
        number = getattr(value, key)
        if number is not None:
            try:
                cs = scoring.leaf_score(number, ind.best, ind.worst, ind.transform, ind.exponent)
            except DomainError:
                cs = None
            comparisons.append({"label": label, "value": number, "score": cs})
    previous = selectors.last_year(request.user, value)
    return {
        "trend": trend,
        "trend_chart": selectors.trend_chart(trend, value.period.tree.threshold)
        if len(trend) > 1
        else None,
        "comparisons": comparisons,
        "previous": previous,
        "problem": problem,
        "v": value,
        "ind": ind,
        "can": can,
        "buttons": VALUE_ACTIONS.buttons(can),
        "reason_for": {name: workflow.reason(can, name) for name in VALUE_ACTIONS.names},
        "evidence": value.evidence.all(),
        "co_units": ind.co_units.all(),
        "score": score,
        "explain": explain,
        "threshold": value.period.tree.threshold,
        "error_for": error_for,
        "error": error,
        "posted": posted or {},
        "upload_max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "site_rows": selectors.site_rows(value) if ind.by_site else [],
    }


@staff_required(*READERS)
def value_detail(request, pk):
    value = scope.get_for(request.user, Value, pk, queryset=VALUE_QS)
    return render(request, "indicators/value.html", _detail_context(request, value))


@staff_required(*READERS)
@require_POST
def act(request, pk, action):
    value = scope.get_for(request.user, Value, pk, queryset=VALUE_QS)
    exc = VALUE_ACTIONS.post(action, request, value)
    if exc is not None:
        value = scope.get_for(request.user, Value, pk, queryset=VALUE_QS)
        ctx = _detail_context(
            request, value, error_for=action, error=exc.message, posted=request.POST
        )
        return render(request, "indicators/value.html", ctx, status=exc.status)
    messages.success(request, DONE[action])
    return redirect("indicators:value", pk=value.pk)


@staff_required(*READERS)
def evidence_file(request, pk):
    ev = scope.visible_to(request.user, Evidence).filter(pk=pk).first()
    if ev is None:
        raise Http404
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = ev.is_image or ev.content_type == "application/pdf"
    response = FileResponse(
        handle, content_type=ev.content_type, as_attachment=not inline, filename=ev.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _period(request, code) -> Period:
    period = selectors.periods(request.user).filter(code=code).first()
    if period is None:
        raise Http404
    return period


@staff_required(*READERS)
def import_template(request, code):
    period = _period(request, code)
    return xlsx_response(
        f"指标值填报模板{period.code}.xlsx",
        period.name,
        importer.HEADERS,
        importer.template_rows(request.user, period),
    )


@staff_required(*READERS)
def import_values(request, code):
    period = _period(request, code)
    ctx = {
        "period": period,
        "error": "",
        "errors": [],
        "allowed": may_import(scope.grants(request.user)),
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(
                    "INDICATOR_IMPORT_NO_FILE", _("请选择要导入的Excel文件"), status=400
                )
            n = services.values_import(actor=request.user, period=period, upload=upload)
        except DomainError as exc:
            ctx["error"] = exc.message
            ctx["errors"] = (exc.details or {}).get("errors", [])
            return render(request, "indicators/import.html", ctx, status=exc.status)
        messages.success(request, _("已导入%(n)d个指标值，等待营商办审核。") % {"n": n})
        return redirect(f"{redirect('indicators:values').url}?period={period.code}")
    return render(request, "indicators/import.html", ctx)
