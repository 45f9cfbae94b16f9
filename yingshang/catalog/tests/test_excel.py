import io

import pytest
from openpyxl import load_workbook

from yingshang.audit.models import AuditEvent
from yingshang.catalog import excel, services
from yingshang.catalog.models import Material, Matter, MatterVersion
from yingshang.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db


def _book(matter_rows, material_rows, field_rows=()):
    wb = excel.build_workbook(Matter.objects.none())
    for row in matter_rows:
        wb[excel.SHEET_MATTERS].append(row)
    for row in material_rows:
        wb[excel.SHEET_MATERIALS].append(row)
    for row in field_rows:
        wb[excel.SHEET_FIELDS].append(row)
    return io.BytesIO(excel.workbook_bytes(wb))


def _matter_row(base, name, unit="scjg", legal=20, promised=5, **over):
    row = [
        base,
        "",
        name,
        unit,
        "行政许可",
        "承诺件",
        legal,
        promised,
        "不收费",
        1,
        "是",
        "是",
        "条件",
        "依据",
        "政务服务中心",
        "工作日",
        "0399-1",
        "食品药品",
        "准入准营",
        "能网办吗？｜能",
        "现场核查｜5｜否",
    ]
    for index, value in over.items():
        row[int(index[1:])] = value
    return row


GOOD_MATTERS = [
    _matter_row("XK00201000", "食品经营许可"),
    _matter_row("XK00301000", "公共场所卫生许可", unit="zjj"),
]
GOOD_MATERIALS = [
    ["XK00201000", "business_licence", "营业执照", "是", "复印件", 1, "否", "否", ""],
    ["XK00201000", "health_certs", "健康证明", "是", "复印件", 2, "是", "是", "开业前取得"],
    ["XK00301000", "business_licence", "营业执照", "是", "复印件", 1, "否", "否", ""],
]
GOOD_FIELDS = [
    ["XK00201000", "firm.name", "企业名称", "文本", "是", "", "firm.name"],
    ["XK00201000", "food.category", "经营项目", "选项", "是", "热食类、冷食类", ""],
]


def test_good_file_imports_every_matter_material_and_field(personas):
    report = services.catalog_import(
        actor=personas.admin, data=_book(GOOD_MATTERS, GOOD_MATERIALS, GOOD_FIELDS)
    )
    assert report.ok and report.created == 2
    food = Matter.objects.get(base_code="XK00201000")
    assert food.implementation_code == "XK00201000-139999000000-000-SCJG-1-00"
    v = food.current_version
    assert (v.name, v.legal_limit_days, v.promised_limit_days, v.online) == (
        "食品经营许可",
        20,
        5,
        True,
    )
    assert v.faq == [{"q": "能网办吗？", "a": "能"}]
    assert v.special_procedures == [{"name": "现场核查", "max_days": 5, "counted": False}]
    assert v.themes == ["food_drug"] and v.life_events == ["biz_entry"]
    health = v.materials.get(key="health_certs")
    assert (health.copies, health.deficit_allowed, health.commitment_replaces) == (2, True, True)
    assert list(v.form_fields.values_list("key", "choices")) == [
        ("firm.name", []),
        ("food.category", ["热食类", "冷食类"]),
    ]
    assert AuditEvent.objects.filter(action="catalog.import").count() == 1
    assert AuditEvent.objects.filter(action="matter.create").count() == 2


def test_file_with_one_bad_row_imports_nothing_and_reports_row_and_reason(personas):
    bad = [*GOOD_MATTERS, _matter_row("XK00401000", "建设工程规划许可", legal=10, promised=15)]
    materials = [
        *GOOD_MATERIALS,
        ["XK09999999", "id_card", "身份证", "是", "原件", 1, "否", "否", ""],
    ]
    report = services.catalog_import(actor=personas.admin, data=_book(bad, materials))
    assert not report.ok
    errors = [(e.sheet, e.row, e.column, e.message) for e in report.errors]
    assert ("事项", 4, "承诺时限（工作日）", "承诺时限（15）不得超过法定时限（10）") in errors
    assert any(e[0] == "材料" and e[1] == 5 and "XK09999999" in e[3] for e in errors)
    assert not Matter.objects.exists() and not Material.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="matter.").exists()


def test_unknown_unit_and_bad_choice_are_reported_per_cell(personas):
    rows = [_matter_row("XK00201000", "食品经营许可", unit="nosuch", c5="特急件", c10="也许")]
    report = services.catalog_import(actor=personas.admin, data=_book(rows, []))
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert messages[(2, "实施单位代号")] == "单位代号“nosuch”不存在"
    assert messages[(2, "办件类型")] == "办件类型应为“即办件”或“承诺件”"
    assert messages[(2, "全程网办")] == "请填写“是”或“否”，而不是“也许”"
    assert not Matter.objects.exists()


def test_not_an_excel_file_is_a_clear_error(personas):
    report = services.catalog_import(actor=personas.admin, data=io.BytesIO(b"name,code\n"))
    assert "请上传 .xlsx 格式" in report.errors[0].message


def test_export_then_import_round_trips(demo_catalog):
    admin = demo_catalog.data["admin"]
    data = excel.workbook_bytes(excel.build_workbook(Matter.objects.all()))
    wb = load_workbook(io.BytesIO(data))
    assert wb[excel.SHEET_MATTERS].max_row == Matter.objects.count() + 1
    versions_before = MatterVersion.objects.count()
    # re-importing the export changes nothing
    report = services.catalog_import(actor=admin, data=io.BytesIO(data))
    assert report.ok, report.errors[:3]
    assert (report.created, report.revised, report.unchanged) == (0, 0, Matter.objects.count())
    assert MatterVersion.objects.count() == versions_before
    # editing one cell in the export makes exactly one new version
    ws = wb[excel.SHEET_MATTERS]
    names = [c.value for c in ws["C"]]
    row = names.index("食品经营许可") + 1
    ws.cell(row=row, column=8, value=3)
    report = services.catalog_import(actor=admin, data=io.BytesIO(excel.workbook_bytes(wb)))
    assert report.ok and report.revised == 1
    food = Matter.objects.get(name_cache="食品经营许可")
    assert food.current_version.version == 2 and food.current_version.promised_limit_days == 3
    assert food.current_version.materials.count() == food.versions.get(version=1).materials.count()


def test_export_parses_back_to_the_same_catalogue(demo_catalog):
    demo_catalog.data["admin"]
    data = excel.workbook_bytes(excel.build_workbook(Matter.objects.all()))
    snapshot = {
        m.implementation_code: (
            m.name,
            m.current_version.promised_limit_days,
            sorted(m.current_version.materials.values_list("key", flat=True)),
        )
        for m in Matter.objects.select_related("current_version")
    }
    matters, report = excel.read_workbook(io.BytesIO(data))
    assert report.ok
    parsed = {
        i["implementation_code"]: (
            i["data"]["name"],
            i["data"]["promised_limit_days"],
            sorted(m["key"] for m in i["materials"]),
        )
        for i in matters
    }
    assert parsed == snapshot


def test_template_is_importable(personas):
    from yingshang.org.models import Unit

    Unit.objects.create(code="xzsp", name="行政审批局", kind="department", parent=personas.county)
    report = services.catalog_import(
        actor=personas.admin, data=io.BytesIO(excel.workbook_bytes(excel.template_workbook()))
    )
    assert report.ok, report.errors
    assert Matter.objects.get().current_version.materials.count() == 2


def test_only_admin_may_import(personas):
    with pytest.raises(PermissionDeniedError):
        services.catalog_import(actor=personas.head_a, data=_book(GOOD_MATTERS, GOOD_MATERIALS))
    assert not Matter.objects.exists()
