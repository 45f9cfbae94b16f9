"""单位别名: the names the county's spreadsheets use for units (审批局 → 行政审批局). The admin
keeps them here; supervisors, who import ledgers, may read them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.supervision.models import UnitAlias
from yingshang.supervision.services import aliases as services
from yingshang.workbench.access import staff_required


@staff_required(Role.ADMIN, Role.SUPERVISOR)
def alias_list(request):
    typed = {"alias": "", "unit": "", "reason": ""}
    status = 200
    if request.method == "POST":
        typed = {k: request.POST.get(k, "").strip() for k in typed}
        unit = (
            scope.visible_to(request.user, Unit).filter(pk=typed["unit"], is_active=True).first()
            if typed["unit"].isdigit()
            else None
        )
        try:
            row = services.unit_alias_save(
                actor=request.user, alias=typed["alias"], unit=unit, reason=typed["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status if exc.status < 500 else 400
        else:
            messages.success(
                request,
                _("已保存：“%(alias)s”对应“%(unit)s”")
                % {"alias": row.alias, "unit": row.unit.name},
            )
            return redirect("supervision:aliases")
    return render(
        request,
        "supervision/aliases.html",
        {
            "aliases": scope.visible_to(request.user, UnitAlias).select_related("unit"),
            "units": scope.visible_to(request.user, Unit)
            .filter(is_active=True)
            .order_by("sort_order", "id"),
            "may_edit": services.may_keep_aliases(request.user),
            "typed": typed,
        },
        status=status,
    )


@staff_required(Role.ADMIN)
@require_POST
def alias_withdraw(request, pk: int):
    row = scope.get_for(request.user, UnitAlias, pk)
    try:
        services.unit_alias_withdraw(
            actor=request.user, alias=row, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已停用别名“%(alias)s”") % {"alias": row.alias})
    return redirect("supervision:aliases")
