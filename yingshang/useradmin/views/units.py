"""单位管理 for the administrator: create, rename and deactivate units (org.services and
useradmin.services, audited), with the handler-coverage check beside them."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org import services as org_services
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.org.staff import UNIT_HANDLERS
from yingshang.useradmin import coverage, services
from yingshang.workbench.access import staff_required

# the top unit is made once, at installation; a county (区县) can be added under a city
KINDS = [(k.value, k.label) for k in Unit.Kind if k != Unit.Kind.CITY]


@staff_required(Role.ADMIN)
def unit_list(request):
    handlers = Count(
        "role_assignments__user",
        filter=Q(
            role_assignments__role__in=UNIT_HANDLERS,
            role_assignments__revoked_at__isnull=True,
            role_assignments__user__is_active=True,
        ),
        distinct=True,
    )
    units = scope.visible_to(request.user, Unit).annotate(handlers=handlers).order_by("path")
    return render(
        request,
        "useradmin/unit_list.html",
        {
            "units": units,
            "kinds": KINDS,
            "gaps": coverage.gaps(),
            "user_is_admin": True,
        },
    )


def _done(request, work, done: str):
    try:
        work()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("useradmin:units")


@staff_required(Role.ADMIN)
@require_POST
def unit_create(request):
    parent = scope.visible_to(request.user, Unit).filter(pk=request.POST.get("parent") or 0).first()
    if parent is None:
        messages.error(request, _("请选择上级单位"))
        return redirect("useradmin:units")
    return _done(
        request,
        lambda: org_services.unit_create(
            actor=request.user,
            parent=parent,
            kind=request.POST.get("kind", ""),
            code=(request.POST.get("code") or "").strip(),
            name=(request.POST.get("name") or "").strip(),
            short_name=(request.POST.get("short_name") or "").strip(),
        ),
        _("单位已创建"),
    )


@staff_required(Role.ADMIN)
@require_POST
def unit_rename(request, pk: int):
    unit = scope.get_for(request.user, Unit, pk)
    return _done(
        request,
        lambda: services.unit_rename(
            actor=request.user,
            unit=unit,
            name=request.POST.get("name", ""),
            short_name=request.POST.get("short_name", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("单位已更名"),
    )


@staff_required(Role.ADMIN)
@require_POST
def unit_deactivate(request, pk: int):
    unit = scope.get_for(request.user, Unit, pk)
    return _done(
        request,
        lambda: services.unit_deactivate(
            actor=request.user, unit=unit, reason=request.POST.get("reason", "")
        ),
        _("单位已停用"),
    )
