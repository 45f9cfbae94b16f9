"""The application form of a case as people read it: the labels of the form the case was
submitted under (its matter version, or the member versions of its package), not the keys
(`firm.name`, `shop.area`); nested values flattened, lists joined, yes/no and dates in Chinese."""

import datetime as dt
import re

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from yingshang.audit.describe import local_datetime
from yingshang.cases import selectors
from yingshang.cases.models import Case

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _definitions(case: Case) -> dict[str, dict]:
    """key → field definition, in the form's order (first definition of a shared key wins)."""
    from yingshang.catalog.models import MatterVersion

    if case.matter_version_id:
        versions = [case.matter_version]
    else:
        ids = [v for v in (case.member_versions or {}).values() if isinstance(v, int)]
        by_id = MatterVersion.objects.in_bulk(ids)
        versions = [by_id[i] for i in ids if i in by_id]
    fields: dict[str, dict] = {}
    for version in versions:
        for f in selectors.form_fields_for(version=version):
            fields.setdefault(f["key"], f)
    return fields


def _flatten(data, prefix: str = "") -> list[tuple[str, object]]:
    if not isinstance(data, dict):
        return [(prefix, data)]
    out = []
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out.extend(_flatten(value, path) if isinstance(value, dict) else [(path, value)])
    return out


def format_value(value, field_type: str = "") -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(p for p in (format_value(v, field_type) for v in value) if p)
    if isinstance(value, dict):
        return "，".join(p for p in (format_value(v) for v in value.values()) if p)
    if isinstance(value, str):
        if _ISO_DATE.match(value) and parse_date(value) is not None:
            return local_datetime(parse_date(value))
        if _ISO_DATETIME.match(value) and parse_datetime(value) is not None:
            return local_datetime(value)
    if isinstance(value, dt.date):
        return local_datetime(value)
    return str(value)


def form_rows(case: Case) -> list[dict]:
    """[{key, label, value, field_type}] in the form's order; keys the form no longer defines
    come last, under the label of their nearest defined parent or the key itself."""
    fields = _definitions(case)
    data = _flatten(case.form_data or {})
    values = dict(data)
    rows = []
    for key, f in fields.items():
        if key in values:
            rows.append(_row(key, f["label"], values.pop(key), f["field_type"]))
    for key, _value in data:
        if key in values:  # not defined by the form (any more): after the defined ones
            rows.append(_row(key, _fallback_label(key, fields), values.pop(key), ""))
    return [r for r in rows if r["value"]]


def _fallback_label(key: str, fields: dict[str, dict]) -> str:
    parts = key.split(".")
    for n in range(len(parts) - 1, 0, -1):
        parent = fields.get(".".join(parts[:n]))
        if parent is not None:
            return f"{parent['label']}（{'.'.join(parts[n:])}）"
    return key


def _row(key: str, label: str, value, field_type: str) -> dict:
    return {
        "key": key,
        "label": label,
        "value": format_value(value, field_type),
        "field_type": field_type,
    }
