"""The admin page of integration keys (系统集成密钥): issue (secret shown once), scope, rotate,
revoke. Every change goes through apiaccess.keys and is audited."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.apiaccess import keys
from yingshang.apiaccess.models import ApiToken
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required
from yingshang.workcal.calendar import TZ

# the secret of a key just issued or rotated is carried to the next page once in the session
_SECRET = "apiaccess_new_secret"


def _keys(user):
    qs = scope.visible_to(user, ApiToken).filter(kind=ApiToken.Kind.INTEGRATION)
    return qs.select_related("unit", "created_by", "rotated_from").order_by("-created_at")


def _get_key(user, pk: int) -> ApiToken:
    return scope.get_for(
        user, ApiToken, pk, queryset=ApiToken.objects.filter(kind=ApiToken.Kind.INTEGRATION)
    )


def _expiry(text: str) -> dt.datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise DomainError("KEY_EXPIRY_INVALID", _("有效期格式应为 YYYY-MM-DD"), status=400) from exc
    return dt.datetime.combine(day, dt.time.max, TZ)


def _render(request, *, posted=None, error_for: str = "", status: int = 200):
    now = timezone.now()
    roles = dict(Role.choices)
    rows = [(k, keys.key_status(k, now), roles.get(k.role, k.role)) for k in _keys(request.user)]
    return render(
        request,
        "apiaccess/keys.html",
        {
            "rows": rows,
            "areas": list(keys.AREAS.items()),
            "roles": [(r, Role(r).label) for r in keys.KEY_ROLES],
            "units": scope.visible_to(request.user, Unit).order_by("code"),
            "new_secret": request.session.pop(_SECRET, None),
            "posted": posted or {},
            "error_for": error_for,
        },
        status=status,
    )


@staff_required(Role.ADMIN)
def key_list(request):
    if request.method != "POST":
        return _render(request)
    post = request.POST
    try:
        unit_id = post.get("unit") or ""
        unit = (
            scope.visible_to(request.user, Unit).filter(pk=int(unit_id)).first()
            if unit_id.isdigit()
            else None
        )
        key, secret = keys.key_issue(
            actor=request.user,
            name=post.get("name", ""),
            unit=unit,
            role=post.get("role", ""),
            areas=post.getlist("areas"),
            expires_at=_expiry(post.get("expires_on", "")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render(request, posted=post, error_for="issue", status=exc.status)
    request.session[_SECRET] = {"prefix": key.prefix, "secret": secret, "name": key.name}
    messages.success(request, _("密钥已签发。请立即复制交给对接系统，它不会再次显示。"))
    return redirect("apiaccess:keys")


@staff_required(Role.ADMIN)
@require_POST
def key_scope(request, pk: int):
    key = _get_key(request.user, pk)
    try:
        keys.key_scope(
            actor=request.user,
            key=key,
            areas=request.POST.getlist("areas"),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render(request, posted=request.POST, error_for=f"scope-{pk}", status=exc.status)
    messages.success(request, _("已修改密钥 %(prefix)s… 的接口范围") % {"prefix": key.prefix})
    return redirect("apiaccess:keys")


@staff_required(Role.ADMIN)
@require_POST
def key_rotate(request, pk: int):
    key = _get_key(request.user, pk)
    grace = request.POST.get("grace_hours", "0").strip() or "0"
    try:
        if not grace.isdigit():
            raise DomainError("KEY_GRACE_INVALID", _("过渡期应为整数小时"), status=400)
        new, secret = keys.key_rotate(
            actor=request.user,
            key=key,
            grace_hours=int(grace),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render(request, posted=request.POST, error_for=f"rotate-{pk}", status=exc.status)
    request.session[_SECRET] = {"prefix": new.prefix, "secret": secret, "name": new.name}
    messages.success(request, _("密钥已轮换。请立即复制新密钥，它不会再次显示。"))
    return redirect("apiaccess:keys")


@staff_required(Role.ADMIN)
@require_POST
def key_revoke(request, pk: int):
    key = _get_key(request.user, pk)
    try:
        keys.key_revoke(actor=request.user, key=key, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render(request, posted=request.POST, error_for=f"revoke-{pk}", status=exc.status)
    messages.success(request, _("密钥 %(prefix)s… 已撤销") % {"prefix": key.prefix})
    return redirect("apiaccess:keys")
