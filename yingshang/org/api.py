from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from yingshang.apiaccess.idempotency import idempotent
from yingshang.org import scope, services
from yingshang.org.models import RoleAssignment, Unit, User

router = Router(tags=["组织机构 org"])


class RoleOut(Schema):
    role: str
    unit: str | None


class MeOut(Schema):
    id: int
    username: str
    name: str
    kind: str
    roles: list[RoleOut]


class UnitOut(Schema):
    id: int
    parent_id: int | None
    kind: str
    code: str
    name: str
    short_name: str
    region_code: str
    phone: str
    address: str
    commitment: str
    responsible_name: str
    responsible_phone: str


class UnitIn(Schema):
    parent_id: int
    kind: str
    code: str
    name: str
    short_name: str = ""
    region_code: str = ""
    phone: str = ""
    address: str = ""
    commitment: str = ""
    responsible_name: str = ""
    responsible_phone: str = ""


@router.get("/me", response=MeOut, summary="当前用户及其角色")
def me(request: HttpRequest):
    user = cast(User, request.user)  # the API's auth lets only an authenticated account in
    roles = RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).select_related("unit")
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.display_name,
        "kind": user.kind,
        "roles": [{"role": a.role, "unit": a.unit.name if a.unit else None} for a in roles],
    }


@router.get("/units", response=list[UnitOut], auth=None, summary="单位列表（公开）")
def units(request: HttpRequest, kind: str | None = None):
    qs = scope.visible_to(request.user, Unit).filter(is_active=True).order_by("path")
    return qs.filter(kind=kind) if kind else qs


@router.get("/units/{unit_id}", response=UnitOut, auth=None, summary="单位详情")
def unit_detail(request: HttpRequest, unit_id: int):
    return scope.get_for(request.user, Unit, unit_id)


@router.post("/units", response={201: UnitOut}, summary="新建单位（管理员）")
def unit_create(request: HttpRequest, payload: UnitIn):
    def create():
        parent = scope.get_for(request.user, Unit, payload.parent_id)
        data = payload.dict(exclude={"parent_id", "kind", "code", "name"})
        unit = services.unit_create(
            actor=request.user,
            parent=parent,
            kind=payload.kind,
            code=payload.code,
            name=payload.name,
            **data,
        )
        return 201, UnitOut.from_orm(unit)

    return idempotent(request, "org.unit_create", payload, create)
