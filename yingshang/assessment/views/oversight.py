"""Staff pages of 明查暗访 (visits, their findings with evidence) and the 曝光台 (cases drafted,
reviewed, published, withdrawn)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.assessment import selectors, services
from yingshang.assessment.actions import EXPOSURE_ACTIONS, FINDING_ACTIONS, VISIT_ACTIONS
from yingshang.assessment.models import Exposure, Finding, SchemeGroup, Visit
from yingshang.assessment.scopes import VIEWERS, manages
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required
from yingshang.workcal import periods

SEERS = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


def _status(exc: DomainError) -> int:
    return exc.status if exc.status in (400, 403, 409) else 409


def _units(user):
    return (
        scope.visible_to(user, Unit)
        .filter(is_active=True, kind__in=SchemeGroup.Kind.values)
        .order_by("kind", "sort_order", "id")
    )


@staff_required(*SEERS)
def visits(request):
    g = scope.grants(request.user)
    error, status = "", 200
    if request.method == "POST":
        if not manages(g):
            raise Http404
        p = request.POST
        try:
            visit = services.visit_plan(
                actor=request.user,
                title=p.get("title", ""),
                mode=p.get("mode", ""),
                method=p.get("method", ""),
                planned_on=p.get("planned_on", ""),
                unit_ids=[int(u) for u in p.getlist("units") if u.isdigit()],
                focus=p.get("focus", ""),
            )
        except DomainError as exc:
            error, status = exc.message, _status(exc)
        else:
            messages.success(request, _("察看任务已登记。"))
            return redirect("assessment:visit", pk=visit.pk)
    qs = scope.visible_to(request.user, Visit).prefetch_related("units")
    if request.GET.get("status") in Visit.Status.values:
        qs = qs.filter(status=request.GET["status"])
    return render(
        request,
        "assessment/visits.html",
        {
            "visits": qs[:300],
            "units": _units(request.user),
            "modes": Visit.Mode.choices,
            "methods": Visit.Method.choices,
            "may_manage": bool(manages(g)),
            "error": error,
            "post": request.POST,
        },
        status=status,
    )


def _visit_context(request, visit: Visit, **extra) -> dict:
    abilities = scope.abilities(request.user, visit)
    findings = []
    for f in visit.findings.select_related("unit", "problem", "adjustment").order_by("id"):
        fa = scope.abilities(request.user, f)
        findings.append(
            {
                "finding": f,
                "buttons": FINDING_ACTIONS.buttons(fa) if f.status != "voided" else [],
            }
        )
    return {
        "visit": visit,
        "buttons": VISIT_ACTIONS.buttons(abilities) if visit.status == "planned" else [],
        "findings": findings,
        "may_manage": bool(manages(scope.grants(request.user))),
        "today": periods.today().isoformat(),
        **extra,
    }


@staff_required(*SEERS)
def visit_detail(request, pk: int):
    visit = scope.get_for(request.user, Visit, pk)
    error, status = "", 200
    if request.method == "POST":
        p = request.POST
        try:
            services.finding_add(
                actor=request.user,
                visit=visit,
                unit_id=int(p["unit"]) if p.get("unit", "").isdigit() else 0,
                description=p.get("description", ""),
                place=p.get("place", ""),
                occurred_on=p.get("occurred_on") or None,
                evidence=request.FILES.get("evidence"),
            )
        except DomainError as exc:
            error, status = exc.message, _status(exc)
        else:
            messages.success(request, _("发现问题已记录。"))
            return redirect("assessment:visit", pk=visit.pk)
    return render(
        request,
        "assessment/visit.html",
        _visit_context(request, visit, error=error, post=request.POST),
        status=status,
    )


@staff_required(*SEERS)
def visit_action(request, pk: int, action: str):
    if request.method != "POST" or action not in VISIT_ACTIONS.by_name:
        raise Http404
    visit = scope.get_for(request.user, Visit, pk)
    exc = VISIT_ACTIONS.post(action, request, visit)
    if exc is not None:
        visit.refresh_from_db()
        return render(
            request,
            "assessment/visit.html",
            _visit_context(request, visit, error=exc.message),
            status=_status(exc),
        )
    messages.success(request, _("操作已完成。"))
    return redirect("assessment:visit", pk=visit.pk)


@staff_required(*SEERS)
def finding_action(request, pk: int, action: str):
    if request.method != "POST" or action not in FINDING_ACTIONS.by_name:
        raise Http404
    finding = scope.get_for(request.user, Finding, pk)
    exc = FINDING_ACTIONS.post(action, request, finding)
    if exc is not None:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("操作已完成。"))
    return redirect("assessment:visit", pk=finding.visit_id)


@staff_required(*VIEWERS)
def finding_evidence(request, pk: int):
    finding = scope.get_for(request.user, Finding, pk)
    if not finding.evidence:
        raise Http404
    return FileResponse(
        finding.evidence.open("rb"), as_attachment=True, filename=finding.evidence_name
    )


@staff_required(*VIEWERS)
def findings(request):
    return render(
        request,
        "assessment/findings.html",
        {"findings": selectors.findings(request.user, request.GET)[:500], "params": request.GET},
    )


# --- 曝光台 -------------------------------------------------------------------------------------
@staff_required(*VIEWERS)
def exposures(request):
    g = scope.grants(request.user)
    error, status = "", 200
    if request.method == "POST":
        if not manages(g):
            raise Http404
        p = request.POST
        try:
            item = services.exposure_create(
                actor=request.user,
                title=p.get("title", ""),
                kind=p.get("kind", ""),
                unit_id=int(p["unit"]) if p.get("unit", "").isdigit() else 0,
                occurred_on=p.get("occurred_on", ""),
                body=p.get("body", ""),
                persons=p.get("persons", ""),
                points=p.get("points", ""),
                finding_id=int(p["finding"]) if p.get("finding", "").isdigit() else None,
            )
        except DomainError as exc:
            error, status = exc.message, _status(exc)
        else:
            messages.success(request, _("案例已保存为草稿。"))
            return redirect("assessment:exposure", pk=item.pk)
    qs = scope.visible_to(request.user, Exposure).select_related("unit")
    if request.GET.get("status") in Exposure.Status.values:
        qs = qs.filter(status=request.GET["status"])
    return render(
        request,
        "assessment/exposures.html",
        {
            "items": qs[:300],
            "units": _units(request.user),
            "kinds": Exposure.Kind.choices,
            "statuses": Exposure.Status.choices,
            "may_manage": bool(manages(g)),
            "error": error,
            "post": request.POST,
            "params": request.GET,
        },
        status=status,
    )


def _exposure_context(request, item: Exposure, **extra) -> dict:
    abilities = scope.abilities(request.user, item)
    return {
        "item": item,
        "preview": services.exposures.public_text(item.body, item.persons),
        "buttons": [
            b
            for b in EXPOSURE_ACTIONS.buttons(abilities)
            if b[0].name in EXPOSURE_ACTIONS.table.allowed(item.status)
        ],
        "reason_of": {a.name: workflow.reason(abilities, a.name) for a in EXPOSURE_ACTIONS.actions},
        **extra,
    }


@staff_required(*VIEWERS)
def exposure_detail(request, pk: int):
    item = scope.get_for(request.user, Exposure, pk)
    return render(request, "assessment/exposure.html", _exposure_context(request, item))


@staff_required(*VIEWERS)
def exposure_action(request, pk: int, action: str):
    if request.method != "POST" or action not in EXPOSURE_ACTIONS.by_name:
        raise Http404
    item = scope.get_for(request.user, Exposure, pk)
    exc = EXPOSURE_ACTIONS.post(action, request, item)
    if exc is not None:
        item.refresh_from_db()
        return render(
            request,
            "assessment/exposure.html",
            _exposure_context(request, item, error=exc.message),
            status=_status(exc),
        )
    messages.success(request, _("操作已完成。"))
    return redirect("assessment:exposure", pk=item.pk)
