"""Staff pages of the rankings: the list (and the request form), a snapshot with its charts,
tables, drill-down links, diff, lists and actions, its progress while computing, downloads."""

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.assessment import documents, selectors, services
from yingshang.assessment.actions import SNAPSHOT_ACTIONS
from yingshang.assessment.models import Snapshot
from yingshang.assessment.scopes import VIEWERS, manages
from yingshang.dbrouting import reporting
from yingshang.errors import DomainError
from yingshang.org import scope, tenancy
from yingshang.workbench.access import staff_required
from yingshang.workcal import periods

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _default_period() -> str:
    return periods.current("month").previous().key


@staff_required(*VIEWERS)
@reporting()
def index(request):
    g = scope.grants(request.user)
    error, status = "", 200
    if request.method == "POST":
        if not manages(g):
            raise Http404
        try:
            snapshot = services.snapshot_request(
                actor=request.user,
                period_key=request.POST.get("period", ""),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            error, status = exc.message, exc.status if exc.status in (400, 403, 409) else 409
        else:
            return redirect("assessment:snapshot", pk=snapshot.pk)
    qs = selectors.snapshots(request.user)
    kind = request.GET.get("kind", "")
    if kind in services.snapshots.RANKED_KINDS:
        qs = qs.filter(period_kind=kind)
    snapshots = list(qs.select_related("scheme")[:200])
    counties = tenancy.labels()  # a city and its counties: whose ranking each one is
    for s in snapshots:
        s.county = counties.get(s.tenant, _("全市"))
    return render(
        request,
        "assessment/index.html",
        {
            "snapshots": snapshots,
            "counties": counties,
            "may_manage": bool(manages(g)),
            "error": error,
            "period": request.POST.get("period") or _default_period(),
            "kind": kind,
        },
        status=status,
    )


def _context(request, snapshot: Snapshot, **extra) -> dict:
    abilities = scope.abilities(request.user, snapshot)
    return {
        "snapshot": snapshot,
        "view": selectors.shaped(request.user, snapshot) if snapshot.results else None,
        "buttons": SNAPSHOT_ACTIONS.buttons(abilities)
        if snapshot.status == Snapshot.Status.DRAFT
        else [],
        "reason_of": {a.name: workflow.reason(abilities, a.name) for a in SNAPSHOT_ACTIONS.actions},
        "lists": selectors.listing_counts(snapshot),
        "proposed": documents.ladder_lists(snapshot) if snapshot.results else {},
        "may_manage": bool(manages(scope.grants(request.user))),
        **extra,
    }


@staff_required(*VIEWERS)
@reporting()
def snapshot_detail(request, pk: int):
    snapshot = scope.get_for(request.user, Snapshot, pk)
    return render(request, "assessment/snapshot.html", _context(request, snapshot))


@staff_required(*VIEWERS)
@reporting()
def unit_page(request, unit_id: int):
    from yingshang.org.models import Unit

    unit = scope.visible_to(request.user, Unit).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    kind = request.GET.get("kind", "month")
    if kind not in services.snapshots.RANKED_KINDS:
        kind = "month"
    history = selectors.unit_history(request.user, unit.pk, kind)
    return render(
        request,
        "assessment/unit.html",
        {
            "unit": unit,
            "history": history,
            "kind": kind,
            "option": selectors.history_chart(history) if history else None,
        },
    )


@staff_required(*VIEWERS)
def snapshot_status(request, pk: int):
    snapshot = scope.get_for(request.user, Snapshot, pk)
    if snapshot.finished and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "assessment/_progress.html", {"snapshot": snapshot})


@staff_required(*VIEWERS)
def snapshot_action(request, pk: int, action: str):
    if request.method != "POST" or action not in SNAPSHOT_ACTIONS.by_name:
        raise Http404
    snapshot = scope.get_for(request.user, Snapshot, pk)
    try:
        SNAPSHOT_ACTIONS.execute(
            action,
            actor=request.user,
            obj=snapshot,
            data=SNAPSHOT_ACTIONS.form_data(action, request.POST),
        )
    except DomainError as exc:
        snapshot.refresh_from_db()
        return render(
            request,
            "assessment/snapshot.html",
            _context(request, snapshot, error=exc.message),
            status=exc.status if exc.status in (400, 403, 409) else 409,
        )
    messages.success(request, _("操作已完成。"))
    return redirect("assessment:snapshot", pk=snapshot.pk)


def _download(snapshot: Snapshot, content: bytes, suffix: str, content_type: str):
    name = _("%(period)s考核排名通报_v%(v)s") % {
        "period": snapshot.results["period"]["label"],
        "v": snapshot.version,
    }
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + suffix)}"
    return response


def _ready(request, pk: int) -> Snapshot:
    snapshot = scope.get_for(request.user, Snapshot, pk)
    if not snapshot.results:
        raise Http404
    return snapshot


@staff_required(*VIEWERS)
@reporting()
def bulletin_docx(request, pk: int):
    snapshot = _ready(request, pk)
    return _download(snapshot, documents.bulletin(snapshot), ".docx", DOCX)


@staff_required(*VIEWERS)
@reporting()
def workbook_xlsx(request, pk: int):
    from yingshang.spreadsheets import XLSX

    snapshot = _ready(request, pk)
    return _download(snapshot, documents.workbook(snapshot), ".xlsx", XLSX)
