"""Writes to the catalogue. A matter's content is an immutable published version: a change makes
version N+1 (copied from the current one with the changes applied). Nothing is deleted.

    matters.py   matter_create, matter_revise, matter_localise, matter_deactivate, matter_activate
    versions.py  what a version holds, its validation, codes, publishing, search text
    packages.py  package_create, package_update, package_define (一件事: its own form, outputs)
    imports.py   catalog_import (the Excel workbook of excel/, all or nothing)
"""

from yingshang.catalog.services.imports import catalog_import
from yingshang.catalog.services.matters import (
    matter_activate,
    matter_create,
    matter_deactivate,
    matter_localise,
    matter_revise,
)
from yingshang.catalog.services.packages import (
    PACKAGE_FIELDS,
    package_create,
    package_define,
    package_update,
)
from yingshang.catalog.services.versions import (
    FORM_FIELD_FIELDS,
    MATERIAL_FIELDS,
    VERSION_FIELDS,
    build_search_text,
    form_field_data,
    implementation_code_for,
    material_data,
    region12,
    validate_form_fields,
    validate_materials,
    validate_version_data,
    version_data,
)

__all__ = [
    "FORM_FIELD_FIELDS",
    "MATERIAL_FIELDS",
    "PACKAGE_FIELDS",
    "VERSION_FIELDS",
    "build_search_text",
    "catalog_import",
    "form_field_data",
    "implementation_code_for",
    "material_data",
    "matter_activate",
    "matter_create",
    "matter_deactivate",
    "matter_localise",
    "matter_revise",
    "package_create",
    "package_define",
    "package_update",
    "region12",
    "validate_form_fields",
    "validate_materials",
    "validate_version_data",
    "version_data",
]
