"""Import the catalogue from its Excel workbook (excel/): all or nothing. New 实施编码 are
created, changed ones get a new version, unchanged rows are left alone."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import audit, workflow
from yingshang.catalog.excel import reading
from yingshang.catalog.excel.sheets import SHEET_MATTERS, ImportReport
from yingshang.catalog.models import Matter
from yingshang.catalog.services import versions
from yingshang.catalog.services.matters import matter_create, matter_revise
from yingshang.errors import DomainError


def _unchanged(existing: Matter, item: dict) -> bool:
    v = existing.current_version
    if v is None:
        return False
    if versions.version_data(v) != {k: item["data"][k] for k in versions.VERSION_FIELDS}:
        return False
    old_materials = [
        {k: d[k] for k in versions.MATERIAL_FIELDS if k not in ("template", "example")}
        for d in map(versions.material_data, v.materials.all())
    ]
    new_materials = [
        {k: m.get(k) for k in versions.MATERIAL_FIELDS if k not in ("template", "example")}
        for m in item["materials"]
    ]
    if old_materials != new_materials:
        return False
    old_fields = [versions.form_field_data(f) for f in v.form_fields.all()]
    new_fields = [{k: f.get(k) for k in versions.FORM_FIELD_FIELDS} for f in item["form_fields"]]
    return old_fields == new_fields


def catalog_import(*, actor, data, note: str = "") -> ImportReport:
    """All or nothing: returns the report; saves only when every row is valid."""
    workflow.gate(actor, Matter(), "import")
    matters, report = reading.read_workbook(data)
    if not report.ok:
        return report
    note = note or _("Excel 导入")
    try:
        with transaction.atomic():
            for item in matters:
                existing = item["existing"]
                if existing is None:
                    matter_create(
                        actor=actor,
                        unit=item["unit"],
                        base_code=item["base_code"],
                        implementation_code=item["implementation_code"],
                        materials=item["materials"],
                        form_fields=item["form_fields"],
                        note=note,
                        **item["data"],
                    )
                    report.created += 1
                elif _unchanged(existing, item):
                    report.unchanged += 1
                else:
                    matter_revise(
                        actor=actor,
                        matter=existing,
                        note=note,
                        changes={
                            **item["data"],
                            "materials": item["materials"],
                            "form_fields": item["form_fields"],
                        },
                    )
                    report.revised += 1
            # about the catalogue as a whole, not one matter: no object's rule to apply
            audit.record(
                actor=actor,
                action="catalog.import",
                object_type="catalog.matter",
                object_id="import",
                after={
                    "created": report.created,
                    "revised": report.revised,
                    "unchanged": report.unchanged,
                },
                reason=note,
            )
    except DomainError as exc:
        report.created = report.revised = report.unchanged = 0
        failed = item["row"]
        report.add(SHEET_MATTERS, failed, "", exc.message)
    return report
