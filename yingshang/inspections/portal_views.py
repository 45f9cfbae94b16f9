"""Public pages (/inspections/…): plans with their commitments and reveals, each draw with its
exported file, the results (search, keyset pagination), the monthly quiet-day exceptions report;
and for a firm account its own results, objections and reports of rule-breaking visits."""

import datetime as dt
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError, InvalidInput
from yingshang.inspections import selectors, services
from yingshang.inspections.models import PublishedResult
from yingshang.workbench.access import login_required_view


def plans(request):
    page = Paginator(selectors.public_plans().prefetch_related("draws", "units"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "inspections/portal/plans.html", {"page": page})


def draw(request, pk: int):
    d = get_object_or_404(selectors.public_draws().select_related("plan__lead_unit"), pk=pk)
    result = json.loads(d.result_json) if d.result_json else []
    names = (
        dict(d.inspections.select_related("firm").values_list("firm__uscc", "firm__name"))
        if result
        else {}
    )
    rows = [{**r, "name": names.get(r["uscc"], "")} for r in result[:500]]
    return render(
        request, "inspections/portal/draw.html", {"d": d, "rows": rows, "total": len(result)}
    )


def draw_export(request, pk: int):
    d = get_object_or_404(selectors.public_draws(), pk=pk)
    try:
        document = services.export_document(d)
    except DomainError as exc:
        return render(
            request,
            "inspections/portal/draw.html",
            {"d": d, "rows": [], "error": exc.message},
            status=409,
        )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="draw-{d.plan.number}-{d.round_no}-{d.attempt}.json"'
    )
    return response


def results(request):
    q = request.GET.get("q", "").strip()[:60]
    after = request.GET.get("after", "")[:40]
    error = ""
    try:
        rows, cursor = selectors.public_results(q=q, after=after, limit=20)
    except InvalidInput as exc:
        rows, cursor, error = [], None, exc.message
    return render(
        request,
        "inspections/portal/results.html",
        {"rows": rows, "cursor": cursor, "q": q, "after": after, "error": error},
    )


def quiet_days(request):
    try:
        year, month = selectors.parse_month(request.GET.get("month", ""))
        error = ""
    except InvalidInput as exc:
        today = dt.date.today()
        year, month, error = today.year, today.month, exc.message
    return render(
        request,
        "inspections/portal/quiet_days.html",
        {
            "rows": services.exceptions_of_month(year, month),
            "month": f"{year}-{month:02d}",
            "cfg": services.config(),
            "error": error,
        },
    )


def _mine_context(request, **extra):
    return {
        "rows": list(selectors.results_of_firm(request.user).prefetch_related("objections")),
        "is_firm": bool(getattr(request.user, "firm_id", None)),
        "today": dt.date.today(),
        **extra,
    }


@login_required_view
def mine(request):
    return render(request, "inspections/portal/mine.html", _mine_context(request))


@login_required_view
@require_POST
def object_result(request, pk: int):
    result = get_object_or_404(
        PublishedResult, pk=pk, firm_id=getattr(request.user, "firm_id", None) or -1
    )
    try:
        services.objection_file(
            actor=request.user, result=result, text=request.POST.get("text", "")
        )
    except DomainError as exc:
        return render(
            request,
            "inspections/portal/mine.html",
            _mine_context(request, error=exc.message, error_for=pk, posted=request.POST),
            status=exc.status,
        )
    messages.success(request, _("异议已提交，检查单位将答复"))
    return redirect("inspections:mine")


@login_required_view
@require_POST
def quiet_complaint(request):
    try:
        raw = request.POST.get("inspected_on", "").strip()
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(
                "INSPECTIONS_DATE_INVALID",
                _("被检查日期不是有效日期"),
                details={"field": "inspected_on"},
            ) from None
        complaint = services.quiet_complaint_file(
            actor=request.user,
            inspected_on=day,
            unit_name=request.POST.get("unit_name", ""),
            text=request.POST.get("text", ""),
        )
    except DomainError as exc:
        return render(
            request,
            "inspections/portal/mine.html",
            _mine_context(request, complaint_error=exc.message, posted=request.POST),
            status=exc.status,
        )
    messages.success(request, _("已转为12345工单：%(n)s") % {"n": complaint.work_order.number})
    return redirect("inspections:mine")
