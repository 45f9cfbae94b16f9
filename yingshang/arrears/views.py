"""Staff pages of 清欠: the ledger list (filters from the scope, Excel export), the record page
(timeline, plan, payments, every action of ARREARS_ACTIONS), registration (also from a 12345
work order), clearance progress, new-vs-cleared per period, and file downloads."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang import spreadsheets
from yingshang.arrears import ledger_io, selectors
from yingshang.arrears.actions import ARREARS_ACTIONS
from yingshang.arrears.api import report_from
from yingshang.arrears.models import Arrears, Attachment, Debtor, DebtorKind
from yingshang.arrears.nav import READERS
from yingshang.arrears.scopes import is_office
from yingshang.enterprises.models import Firm
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.workbench.access import login_required_view, staff_required
from yingshang.workflow import reason

FILTER_KEYS = ("status", "debtor", "unit", "firm", "overdue", "source", "q", "due_from", "due_to")
DONE = {
    "verify": _("已核实确认"),
    "reject": _("已不予认定"),
    "pay": _("已登记还款"),
    "plan": _("已增加还款计划"),
    "settle_dispute": _("已记录争议化解"),
    "void_payment": _("已作废该还款记录"),
    "attach": _("已上传材料"),
    "void": _("已作废"),
}


def _filters(request) -> dict:
    return {k: request.GET.get(k, "")[:60] for k in FILTER_KEYS if request.GET.get(k)}


@staff_required(*READERS)
def arrears_list(request):
    qs = selectors.filtered(request.user, request.GET).order_by("-reported_at", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    filters = _filters(request)
    return render(
        request,
        "arrears/list.html",
        {
            "page": page,
            "filters": filters,
            "query": urlencode(filters),
            "statuses": Arrears.Status.choices,
            "sources": Arrears.Source.choices,
            "debtors": selectors.debtors_in_scope(request.user),
            "today": selectors.today(),
            "is_office": is_office(scope.grants(request.user)),
        },
    )


@staff_required(*READERS)
def export(request):
    qs = selectors.filtered(request.user, request.GET).order_by("reported_at", "id")
    return spreadsheets.xlsx_response(
        "清欠台账.xlsx", "清欠台账", ledger_io.export_headers(), ledger_io.export_rows(qs)
    )


def _get(request, pk) -> Arrears:
    return scope.get_for(
        request.user,
        Arrears,
        pk,
        queryset=Arrears.objects.select_related("debtor", "debtor__unit", "creditor", "workorder"),
    )


def _context(request, a: Arrears, **extra) -> dict:
    can = scope.abilities(request.user, a)
    return {
        "a": a,
        "can": can,
        "reasons": {name: reason(can, name) for name in ARREARS_ACTIONS.names},
        **selectors.detail(a),
        **extra,
    }


@staff_required(*READERS)
def detail(request, pk):
    a = _get(request, pk)
    return render(request, "arrears/detail.html", _context(request, a))


def _act(request, pk, action, *, template: str, back: str):
    a = _get(request, pk)
    exc = ARREARS_ACTIONS.post(action, request, a)
    if exc is not None:
        if exc.status == 404:
            raise Http404(exc.message) from None
        a = _get(request, pk)
        ctx = _context(request, a, error_for=action, error=exc.message, posted=request.POST)
        return render(request, template, ctx, status=exc.status)
    messages.success(request, DONE[action])
    return redirect(back, pk=a.pk)


@require_POST
@staff_required(*READERS)
def act(request, pk, action):
    return _act(request, pk, action, template="arrears/detail.html", back="arrears:detail")


@login_required_view
def attachment(request, pk):
    att = Attachment.objects.filter(pk=pk).first()
    if att is None:
        raise Http404
    scope.get_for(request.user, Arrears, att.arrears_id)  # 404 outside the scope
    try:
        handle = att.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = att.content_type.startswith("image/") or att.content_type == "application/pdf"
    response = FileResponse(
        handle, content_type=att.content_type, as_attachment=not inline, filename=att.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def form_context(request, **extra) -> dict:
    return {
        "debtors": scope.visible_to(request.user, Debtor).order_by("name"),
        "kinds": DebtorKind.choices,
        "sizes": Firm.Size.choices,
        "units": scope.visible_to(request.user, Unit)
        .filter(is_active=True)
        .exclude(kind__in=(Unit.Kind.SECTION, Unit.Kind.VILLAGE))
        .order_by("sort_order", "id"),
        "posted": request.POST,
        **extra,
    }


def report_data(post) -> dict:
    """The report form as the service's input ('' for what was left empty)."""
    data = {
        k: (post.get(k) or "").strip()
        for k in (
            "debtor_unit",
            "debtor_uscc",
            "debtor_name",
            "debtor_kind",
            "creditor_uscc",
            "creditor_size",
            "contract_number",
            "contract_name",
            "payment_terms",
            "description",
        )
    }
    debtor = post.get("debtor_id") or ""
    data["debtor_id"] = int(debtor) if debtor.isdigit() else None
    for key in ("contract_date", "accepted_on"):
        data[key] = _date(post.get(key))
    for key in ("amount", "contract_amount"):
        data[key] = (post.get(key) or "").strip() or None
    days = (post.get("contract_days") or "").strip()
    data["contract_days"] = int(days) if days.isdigit() and len(days) < 6 else (days or None)
    return data


def _date(value):
    import datetime as dt

    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@staff_required(Role.SUPERVISOR)
def create(request):
    """The 清欠办 registers arrears for a firm; with ?order=<id>, from a 12345 work order."""
    order = None
    order_id = request.GET.get("order") or request.POST.get("workorder_id") or ""
    if order_id:
        from yingshang.hotline.models import WorkOrder

        order = scope.get_for(
            request.user, WorkOrder, order_id, queryset=WorkOrder.objects.select_related("firm")
        )
    if request.method == "POST":
        data = report_data(request.POST)
        if order is not None:
            data["workorder_id"] = order.pk
        try:
            if isinstance(data["contract_days"], str):
                raise DomainError("ARREARS_CONTRACT_DAYS_INVALID", _("约定付款期限须为整数天数"))
            a = report_from(request.user, data, files=request.FILES.getlist("files"))
        except DomainError as exc:
            ctx = form_context(request, error=exc.message, order=order)
            return render(request, "arrears/create.html", ctx, status=exc.status)
        messages.success(request, _("已登记%(number)s") % {"number": a.number})
        return redirect("arrears:detail", pk=a.pk)
    return render(request, "arrears/create.html", form_context(request, order=order))


@staff_required(*READERS)
def progress(request):
    rows = selectors.progress(request.user)
    return render(
        request, "arrears/progress.html", {"rows": rows, "totals": selectors.totals(rows)}
    )


@staff_required(*READERS)
def ledger(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in ("month", "quarter") else "month"
    return render(
        request,
        "arrears/ledger.html",
        {
            "rows": selectors.ledger(request.user, kind, 6 if kind == "month" else 4),
            "kind": kind,
            "overdue": selectors.overdue_debtors(request.user),
        },
    )
