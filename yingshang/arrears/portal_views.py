"""The firm's pages on the portal: report arrears, follow what is owed to it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.arrears import selectors
from yingshang.arrears.api import report_from
from yingshang.arrears.models import Arrears
from yingshang.arrears.scopes import may_report
from yingshang.arrears.views import _act, _context, form_context, report_data
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.workbench.access import login_required_view


def _firm_only(request):
    allowed = may_report(scope.grants(request.user))
    if not allowed:
        return render(
            request, "arrears/portal_denied.html", {"reason": allowed.message}, status=403
        )
    return None


@login_required_view
def mine(request):
    if (denied := _firm_only(request)) is not None:
        return denied
    rows = list(selectors.for_firm(request.user.firm, request.user).order_by("-reported_at"))
    return render(request, "arrears/portal_mine.html", {"rows": rows, "today": selectors.today()})


@login_required_view
def report(request):
    if (denied := _firm_only(request)) is not None:
        return denied
    if request.method == "POST":
        data = report_data(request.POST)
        data["creditor_uscc"] = ""  # a firm reports for itself
        try:
            if isinstance(data["contract_days"], str):
                raise DomainError("ARREARS_CONTRACT_DAYS_INVALID", _("约定付款期限须为整数天数"))
            a = report_from(request.user, data, files=request.FILES.getlist("files"))
        except DomainError as exc:
            return render(
                request,
                "arrears/portal_report.html",
                form_context(request, error=exc.message),
                status=exc.status,
            )
        messages.success(
            request, _("已提交，编号%(number)s。清欠办将与债务人核实。") % {"number": a.number}
        )
        return redirect("arrears:portal_detail", pk=a.pk)
    return render(request, "arrears/portal_report.html", form_context(request))


@login_required_view
def mine_detail(request, pk):
    a = scope.get_for(
        request.user, Arrears, pk, queryset=Arrears.objects.select_related("debtor", "creditor")
    )
    return render(request, "arrears/portal_detail.html", _context(request, a))


@require_POST
@login_required_view
def mine_act(request, pk, action):
    if action != "attach":
        from django.http import Http404

        raise Http404
    return _act(
        request, pk, action, template="arrears/portal_detail.html", back="arrears:portal_detail"
    )
