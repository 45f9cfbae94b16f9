"""Catalogue records and helpers for the case tests (made through the catalog services)."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang.catalog import services as catalog
from yingshang.org.models import RoleAssignment, Unit, User
from yingshang.org.roles import Role
from yingshang.testing.personas import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="doc.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def fake_pdf(name="evil.pdf"):
    """An executable script renamed to .pdf: the extension lies, the content does not."""
    return SimpleUploadedFile(name, b"#!/bin/sh\nrm -rf /\n" * 10, content_type="application/pdf")


MATERIALS = [
    {"key": "application_form", "name": "申请书", "required": True},
    {"key": "id_card", "name": "身份证明", "required": True},
    {"key": "floor_plan", "name": "经营场所平面图", "required": True, "deficit_allowed": True},
    {"key": "health_cert", "name": "健康证明", "required": True, "commitment_replaces": True},
]
FIELDS = [
    {
        "key": "applicant.name",
        "label": "申请人姓名",
        "field_type": "text",
        "required": True,
        "profile_source": "user.real_name",
    },
    {
        "key": "applicant.mobile",
        "label": "联系电话",
        "field_type": "phone",
        "required": True,
        "profile_source": "user.mobile",
    },
    {"key": "shop.name", "label": "门店名称", "field_type": "text", "required": True},
]


def _matter(admin, unit, base, name, *, promised=10, legal=20, kind="promised", extra_fields=()):
    return catalog.matter_create(
        actor=admin,
        unit=unit,
        base_code=base,
        name=name,
        matter_type="licensing",
        handling_kind=kind,
        legal_limit_days=legal,
        promised_limit_days=promised,
        materials=[dict(m) for m in MATERIALS],
        form_fields=[dict(f) for f in FIELDS] + list(extra_fields),
    )


@dataclass
class Catalog:
    matter: object  # unit_a, 食品经营许可
    matter_b: object
    matter_c: object
    package: object  # 开办餐饮店: units a, b, c; lead unit_a
    unit_c: Unit
    handler_c: User


@pytest.fixture
def cat(personas):
    p = personas
    unit_c = Unit.objects.create(
        code="wjj",
        name="测试县卫生健康局",
        kind=Unit.Kind.DEPARTMENT,
        parent=p.county,
        short_name="卫健局",
    )
    unit_c.path = f"{p.county.path}{unit_c.pk}/"
    unit_c.save(update_fields=["path"])
    handler_c = User.objects.create_user(
        "handler_c",
        password=PASSWORD,
        real_name="卫健经办",
        kind=User.Kind.STAFF,
        mobile="13900000099",
    )
    RoleAssignment.objects.create(user=handler_c, role=Role.DEPT_HANDLER, unit=unit_c)
    m_a = _matter(p.admin, p.unit_a, "XK00201000", "食品经营许可")
    m_b = _matter(
        p.admin,
        p.unit_b,
        "XK00401000",
        "建设工程消防验收备案",
        promised=8,
        extra_fields=[
            {"key": "shop.area", "label": "经营场所面积", "field_type": "number", "required": True}
        ],
    )
    m_c = _matter(p.admin, unit_c, "XK00301000", "公共场所卫生许可", promised=6)
    package = catalog.package_create(
        actor=p.admin,
        code="open-restaurant",
        name="开办餐饮店",
        lead_unit=p.unit_a,
        promised_limit_days=5,
        matters=[m_a, m_b, m_c],
    )
    return Catalog(
        matter=m_a, matter_b=m_b, matter_c=m_c, package=package, unit_c=unit_c, handler_c=handler_c
    )


def form_for(user, **extra):
    data = {
        "applicant.name": user.display_name,
        "applicant.mobile": user.mobile or "13800138000",
        "shop.name": "老街小馆",
    }
    data.update(extra)
    return data


def all_files(skip=()):
    return {
        k: [pdf(f"{k}.pdf")]
        for k in ("application_form", "id_card", "floor_plan", "health_cert")
        if k not in skip
    }


# --- a package whose first member produces what the second asks (catalog.package_define) ----
FIELD = {"field_type": "text", "required": True}


def _shop_matter(admin, unit, base, name, materials, fields):
    return catalog.matter_create(
        actor=admin,
        unit=unit,
        base_code=base,
        name=name,
        matter_type="licensing",
        handling_kind="promised",
        legal_limit_days=20,
        promised_limit_days=5,
        materials=[{"key": k, "name": n, "required": True} for k, n in materials],
        form_fields=[
            {"key": k, "label": n, **FIELD, **({"field_type": "uscc"} if k == "firm.uscc" else {})}
            for k, n in fields
        ],
    )


@pytest.fixture
def shop(personas):
    """企业设立登记 (unit_a) produces the 营业执照 and the USCC that 食品经营许可 (unit_b) asks."""
    p = personas
    reg = _shop_matter(
        p.admin,
        p.unit_a,
        "XK00101000",
        "企业设立登记",
        [("application_form", "申请书"), ("articles", "公司章程")],
        [("firm.name", "企业名称"), ("firm.scope", "经营范围")],
    )
    food = _shop_matter(
        p.admin,
        p.unit_b,
        "XK00201000",
        "食品经营许可",
        [("application_form", "申请书"), ("business_licence", "营业执照"), ("plan", "平面图")],
        [("firm.name", "企业名称"), ("firm.uscc", "统一社会信用代码"), ("shop.name", "门店名称")],
    )
    package = catalog.package_create(
        actor=p.admin,
        code="open-shop",
        name="开办餐饮店",
        lead_unit=p.unit_a,
        promised_limit_days=5,
        matters=[reg, food],
    )
    catalog.package_define(
        actor=p.admin,
        package=package,
        outputs={
            reg.pk: [
                {"key": "business_licence", "name": "营业执照", "kind": "material"},
                {"key": "firm.uscc", "name": "统一社会信用代码", "kind": "field"},
            ]
        },
    )
    package.refresh_from_db()
    return reg, food, package
