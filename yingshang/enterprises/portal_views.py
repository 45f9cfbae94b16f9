"""The firm's own pages on the portal: its 一企一档 (its own records only) and, for the legal
representative's account, the 经办人 accounts it authorises and revokes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from yingshang.enterprises import accounts, panels
from yingshang.enterprises.forms import AgentForm
from yingshang.enterprises.models import FirmAccount
from yingshang.errors import DomainError
from yingshang.workbench.access import login_required_view


def _own_firm(request):
    user = request.user
    if user.kind != "firm" or not user.firm_id:
        raise PermissionDenied
    return user.firm


@login_required_view
def my_firm(request):
    if request.user.kind != "firm" or not request.user.firm_id:
        return render(request, "enterprises/portal/firm.html", {"firm": None})
    firm = request.user.firm
    member = accounts.membership(request.user)
    return render(
        request,
        "enterprises/portal/firm.html",
        {
            "firm": firm,
            "panels": panels.panels_for(firm, request.user, public=True),
            "member": member,
            "is_legal_rep": accounts.is_legal_rep(request.user),
        },
    )


@login_required_view
def my_accounts(request):
    firm = _own_firm(request)
    is_rep = accounts.is_legal_rep(request.user)
    form = AgentForm(request.POST or None)
    if request.method == "POST":
        if not is_rep:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                account = accounts.agent_authorise(
                    actor=request.user,
                    real_name=d["real_name"],
                    mobile=d["mobile"],
                    password=d["password"],
                    scope_note=d["scope_note"],
                )
            except DomainError as exc:
                field = exc.details.get("field")
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("已授权经办人%(name)s，其可用手机号码%(mobile)s登录")
                    % {"name": account.user.display_name, "mobile": account.user.mobile},
                )
                return redirect("enterprises:my_accounts")
    return render(
        request,
        "enterprises/portal/accounts.html",
        {
            "firm": firm,
            "accounts": accounts.accounts_of(firm) if is_rep else None,
            "is_legal_rep": is_rep,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required_view
def revoke_agent(request, pk: int):
    firm = _own_firm(request)
    if not accounts.is_legal_rep(request.user):
        raise PermissionDenied
    account = get_object_or_404(FirmAccount, pk=pk, firm=firm, role=FirmAccount.Role.AGENT)
    error = None
    if request.method == "POST":
        try:
            accounts.agent_revoke(
                actor=request.user, account=account, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request, _("已撤销经办人%(name)s的授权") % {"name": account.user.display_name}
            )
            return redirect("enterprises:my_accounts")
    return render(
        request,
        "enterprises/portal/revoke.html",
        {"firm": firm, "account": account, "error": error},
        status=error.status if error else 200,
    )
