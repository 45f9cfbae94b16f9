"""账号管理 for the administrator: list and search accounts, create a staff account, deactivate
or re-enable it (never delete), reset its password (shown once), grant and revoke roles per
unit. Every write is an org/useradmin service (admin check, lock, audit event)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org import services as org_services
from yingshang.org.models import RoleAssignment, Unit, User
from yingshang.org.roles import UNIT_ROLES, Role
from yingshang.useradmin import services
from yingshang.workbench.access import staff_required

ASSIGNABLE = [(r.value, r.label) for r in Role if r != Role.APPLICANT]
ACTIVE_GRANTS = Prefetch(
    "role_assignments",
    queryset=RoleAssignment.objects.filter(revoked_at__isnull=True).select_related("unit"),
    to_attr="active_grants",
)


def _units(user):
    return scope.visible_to(user, Unit).filter(is_active=True).order_by("path")


@staff_required(Role.ADMIN)
def user_list(request):
    q = request.GET.get("q", "").strip()
    unit_id = request.GET.get("unit", "")
    state = request.GET.get("state", "active")
    users = scope.visible_to(request.user, User).filter(kind=User.Kind.STAFF)
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(real_name__icontains=q) | Q(mobile__contains=q)
        )
    if unit_id.isdigit():
        users = users.filter(
            pk__in=RoleAssignment.objects.filter(
                unit_id=int(unit_id), revoked_at__isnull=True
            ).values("user_id")
        )
    if state == "active":
        users = users.filter(is_active=True)
    elif state == "inactive":
        users = users.filter(is_active=False)
    users = users.prefetch_related(ACTIVE_GRANTS).order_by("username")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("q", q), ("unit", unit_id), ("state", state)) if v)
    return render(
        request,
        "useradmin/user_list.html",
        {
            "page": page,
            "q": q,
            "unit_id": unit_id,
            "state": state,
            "units": _units(request.user),
            "query": query,
        },
    )


@staff_required(Role.ADMIN)
def user_create(request):
    data = request.POST if request.method == "POST" else request.GET
    errors = ""
    if request.method == "POST":
        unit = _units(request.user).filter(pk=data.get("unit") or 0).first()
        role = data.get("role", "")
        try:
            user, password = _create(request.user, data, unit, role)
        except DomainError as exc:
            errors = exc.message
        else:
            request.session["useradmin_new_password"] = [user.pk, password]
            messages.success(request, _("账号已创建"))
            return redirect("useradmin:user_detail", user.pk)
    return render(
        request,
        "useradmin/user_create.html",
        {
            "data": data,
            "errors": errors,
            "units": _units(request.user),
            "roles": ASSIGNABLE,
        },
    )


def _create(actor, data, unit, role):
    if role and role in UNIT_ROLES and unit is None:
        raise DomainError("ROLE_UNIT_REQUIRED", _("该角色必须指定所在单位"), status=400)
    with transaction.atomic():
        user = org_services.user_create(
            actor=actor,
            username=(data.get("username") or "").strip(),
            password=None,
            real_name=(data.get("real_name") or "").strip(),
            mobile=(data.get("mobile") or "").strip() or None,
        )
        if role:
            org_services.role_grant(actor=actor, user=user, role=role, unit=unit)
        password = services.user_reset_password(actor=actor, user=user)
    return user, password


@staff_required(Role.ADMIN)
def user_detail(request, pk: int):
    account = scope.get_for(request.user, User, pk)
    new_password = None
    shown = request.session.pop("useradmin_new_password", None)
    if shown and shown[0] == account.pk:
        new_password = shown[1]  # shown once: popped from the session on this page
    grants = (
        RoleAssignment.objects.filter(user=account)
        .select_related("unit", "granted_by")
        .order_by("revoked_at", "-granted_at")
    )
    return render(
        request,
        "useradmin/user_detail.html",
        {
            "account": account,
            "grants": grants,
            "new_password": new_password,
            "units": _units(request.user),
            "roles": ASSIGNABLE,
        },
    )


def _act(request, pk: int, work, done: str):
    account = scope.get_for(request.user, User, pk)
    try:
        work(account)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("useradmin:user_detail", account.pk)


@staff_required(Role.ADMIN)
@require_POST
def user_deactivate(request, pk: int):
    return _act(
        request,
        pk,
        lambda u: services.user_deactivate(
            actor=request.user, user=u, reason=request.POST.get("reason", "")
        ),
        _("账号已停用"),
    )


@staff_required(Role.ADMIN)
@require_POST
def user_reactivate(request, pk: int):
    return _act(
        request,
        pk,
        lambda u: services.user_reactivate(
            actor=request.user, user=u, reason=request.POST.get("reason", "")
        ),
        _("账号已启用"),
    )


@staff_required(Role.ADMIN)
@require_POST
def user_reset_password(request, pk: int):
    def work(account):
        password = services.user_reset_password(actor=request.user, user=account)
        request.session["useradmin_new_password"] = [account.pk, password]

    return _act(request, pk, work, _("密码已重置"))


@staff_required(Role.ADMIN)
@require_POST
def role_grant(request, pk: int):
    unit = _units(request.user).filter(pk=request.POST.get("unit") or 0).first()
    return _act(
        request,
        pk,
        lambda u: org_services.role_grant(
            actor=request.user, user=u, role=request.POST.get("role", ""), unit=unit
        ),
        _("角色已授予"),
    )


@staff_required(Role.ADMIN)
@require_POST
def role_revoke(request, pk: int, grant: int):
    def work(account):
        assignment = scope.get_for(
            request.user,
            RoleAssignment,
            grant,
            queryset=RoleAssignment.objects.filter(user=account),
        )
        org_services.role_revoke(
            actor=request.user, assignment=assignment, reason=request.POST.get("reason", "")
        )

    return _act(request, pk, work, _("角色已撤销"))
