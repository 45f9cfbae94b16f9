"""The indicator tree in and out of Excel: the export's columns are the import's. An import
edits the year's editable version (a new version when a round has locked it): rows matched by
编码 are updated, new 编码 under a known 上级编码 are added; every row is checked first and any
error — a bad number, best = worst, an unknown unit, weights not adding up as the tree is
configured — names its row and column and saves nothing."""

import io
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import InvalidInput
from yingshang.indicators import measures, scoring
from yingshang.indicators.models import Direction, Indicator, Source, Transform, Tree
from yingshang.indicators.services.tree import _office, editable_tree
from yingshang.org.models import Unit

HEADERS = [
    "编码",
    "上级编码",
    "层级",
    "指标",
    "牵头单位代号",
    "牵头单位",
    "配合单位代号",
    "计量单位",
    "方向",
    "最优值",
    "最差值",
    "转换方法",
    "幂指数",
    "权重",
    "数据来源",
    "自动测算方法",
    "启用",
]
MAX_ROWS = 2000


def rows(t: Tree):
    qs = t.indicators.select_related("lead_unit", "parent").prefetch_related("co_units")
    for i in qs.order_by("sort_order", "id"):
        yield [
            i.code,
            i.parent.code if i.parent_id else "",
            i.level,
            i.name,
            i.lead_unit.code if i.lead_unit_id else "",
            i.lead_unit.name if i.lead_unit_id else "",
            "、".join(u.code for u in i.co_units.all()),
            i.measure_unit,
            i.get_direction_display(),
            i.best,
            i.worst,
            i.get_transform_display(),
            i.exponent,
            i.weight,
            i.get_source_display(),
            i.measure_key,
            _("是") if i.is_active else _("否"),
        ]


def _choice(choices, raw, default):
    raw = str(raw or "").strip()
    if not raw:
        return default
    for value, label in choices:
        if raw in (value, str(label)):
            return value
    raise ValueError


def _number(raw):
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        raise InvalidOperation
    d = Decimal(str(raw).strip())
    if not d.is_finite():
        raise InvalidOperation
    return d


def _read(upload) -> list[tuple]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput(
            "INDICATOR_IMPORT_UNREADABLE",
            _("无法读取该文件，请上传由“导出指标体系”得到的Excel（.xlsx）文件"),
            details={"field": "file"},
        ) from None
    data = list(wb.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 1))
    wb.close()
    return data


def _parse(row, n, units, errors) -> dict | None:
    cell = {h: (row[i] if i < len(row) else None) for i, h in enumerate(HEADERS)}

    def err(field, message):
        errors.append({"row": n, "field": field, "message": message})

    out = {"code": str(cell["编码"] or "").strip(), "parent": str(cell["上级编码"] or "").strip()}
    out["name"] = str(cell["指标"] or "").strip()
    if not out["code"]:
        err("编码", _("未填写"))
    if not out["name"]:
        err("指标", _("未填写"))
    for field, key in (("最优值", "best"), ("最差值", "worst"), ("幂指数", "exponent")):
        try:
            out[key] = _number(cell[field])
        except InvalidOperation:
            err(field, _("“%(v)s”不是有效数字") % {"v": cell[field]})
    try:
        out["weight"] = _number(cell["权重"])
        if out["weight"] is None:
            out["weight"] = Decimal(1)
        if out["weight"] < 0:
            err("权重", _("权重不能为负数"))
    except InvalidOperation:
        err("权重", _("“%(v)s”不是有效数字") % {"v": cell["权重"]})
    for field, key, choices, default in (
        ("方向", "direction", Direction.choices, Direction.LOWER),
        ("转换方法", "transform", Transform.choices, Transform.LINEAR),
        ("数据来源", "source", Source.choices, Source.ENTERED),
    ):
        try:
            out[key] = _choice(choices, cell[field], default)
        except ValueError:
            allowed = "、".join(str(label) for _v, label in choices)
            err(field, _("“%(v)s”无效，应为：%(a)s") % {"v": cell[field], "a": allowed})
    lead = str(cell["牵头单位代号"] or "").strip()
    out["lead_unit"] = units.get(lead) if lead else None
    if lead and out["lead_unit"] is None:
        err("牵头单位代号", _("未知的单位代号“%(c)s”") % {"c": lead})
    out["co_units"] = []
    for code in str(cell["配合单位代号"] or "").replace(",", "、").replace("，", "、").split("、"):
        code = code.strip()
        if code and code not in units:
            err("配合单位代号", _("未知的单位代号“%(c)s”") % {"c": code})
        elif code:
            out["co_units"].append(units[code])
    out["measure_unit"] = str(cell["计量单位"] or "").strip()[:20]
    out["measure_key"] = str(cell["自动测算方法"] or "").strip()[:60]
    out["is_active"] = str(cell["启用"] or "是").strip() not in ("否", "0", "no", "False")
    return out


def _check_leaf(item, n, errors) -> None:
    def err(field, message):
        errors.append({"row": n, "field": field, "message": message})

    if item.get("best") is None or item.get("worst") is None:
        err("最优值", _("末级指标须填写最优值和最差值"))
        return
    try:
        scoring.check_bounds(item["best"], item["worst"], item["transform"], item["exponent"])
    except InvalidInput as exc:
        err("最优值" if exc.details.get("field") == "best" else "幂指数", exc.message)
        return
    lower = item["direction"] == Direction.LOWER
    if lower and item["best"] > item["worst"]:
        err("最优值", _("“越低越好”的指标，最优值应小于最差值"))
    if not lower and item["best"] < item["worst"]:
        err("最优值", _("“越高越好”的指标，最优值应大于最差值"))
    if item["source"] == Source.MEASURED:
        try:
            measures.check_key(item["measure_key"])
        except InvalidInput as exc:
            err("自动测算方法", exc.message)
        except Exception as exc:  # DomainError with status 400
            err("自动测算方法", getattr(exc, "message", str(exc)))


def _check_weights(tree: Tree, plan, errors) -> None:
    """Children's weights per parent add up to tree.weight_total (when configured)."""
    if tree.weight_total is None:
        return
    groups: dict[str, list] = {}
    names = {item["code"]: item["name"] for _n, item in plan}
    for n, item in plan:
        if item["is_active"]:
            groups.setdefault(item["parent"], []).append((n, item))
    for parent, members in groups.items():
        total = sum((item["weight"] for _n, item in members), Decimal(0))
        if total != tree.weight_total:
            n = members[0][0]
            errors.append(
                {
                    "row": n,
                    "field": "权重",
                    "message": _("“%(p)s”的下级指标权重合计为%(s)s，应为%(t)s（第%(rows)s行）")
                    % {
                        "p": f"{parent} {names.get(parent, '')}".strip()
                        if parent
                        else _("一级指标"),
                        "s": f"{total.normalize():f}",
                        "t": f"{tree.weight_total.normalize():f}",
                        "rows": "、".join(str(m) for m, _i in members),
                    },
                }
            )


def _depth(code: str, parent_of: dict) -> int | None:
    """How deep `code` sits in the file's tree; None for a cycle."""
    depth = 0
    while parent_of.get(code):
        code = parent_of[code]
        depth += 1
        if depth > len(parent_of):
            return None
    return depth


@transaction.atomic
def tree_import(*, actor, tree: Tree, upload) -> Tree:
    """Import a tree workbook into `tree`'s year; returns the version written."""
    _office(actor)
    data = _read(upload)
    if not data or [str(c or "").strip() for c in data[0][: len(HEADERS)]] != HEADERS:
        raise InvalidInput(
            "INDICATOR_IMPORT_HEADER",
            _("第1行应为表头：%(h)s（请使用“导出指标体系”得到的文件）") % {"h": "、".join(HEADERS)},
            details={"row": 1},
        )
    units = {u.code: u for u in Unit.objects.all()}
    errors: list[dict] = []
    plan = []
    seen: dict[str, int] = {}
    for n, row in enumerate(data[1:], start=2):
        if not row or all(c in (None, "") for c in row):
            continue
        item = _parse(row, n, units, errors)
        if item["code"] in seen:
            errors.append(
                {
                    "row": n,
                    "field": "编码",
                    "message": _("编码与第%(r)d行重复") % {"r": seen[item["code"]]},
                }
            )
        seen[item["code"]] = n
        plan.append((n, item))
    codes = set(seen)
    parents = {item["parent"] for _n, item in plan if item["is_active"]}
    for n, item in plan:
        if item["parent"] and item["parent"] not in codes:
            errors.append(
                {
                    "row": n,
                    "field": "上级编码",
                    "message": _("上级编码“%(c)s”不在文件中") % {"c": item["parent"]},
                }
            )
        keys = ("best", "worst", "exponent", "direction", "transform", "source", "weight")
        if item["is_active"] and item["code"] not in parents and all(k in item for k in keys):
            _check_leaf(item, n, errors)
        if _depth(item["code"], {i["code"]: i["parent"] for _m, i in plan}) is None:
            errors.append({"row": n, "field": "上级编码", "message": _("上级编码形成循环")})
    _check_weights(tree, plan, errors)
    if errors:
        errors.sort(key=lambda e: e["row"])
        first = errors[0]
        raise InvalidInput(
            "INDICATOR_IMPORT_ROWS",
            _("导入失败，共%(k)d处错误，未导入任何数据。第%(row)d行“%(field)s”：%(msg)s")
            % {
                "k": len(errors),
                "row": first["row"],
                "field": first["field"],
                "msg": first["message"],
            },
            details={"errors": errors},
        )
    if not plan:
        raise InvalidInput("INDICATOR_IMPORT_EMPTY", _("文件中没有可导入的数据行"))
    target = editable_tree(actor, tree)
    existing = {i.code: i for i in target.indicators.all()}
    made: dict[str, Indicator] = {}
    changed = added = 0
    parent_of = {i["code"]: i["parent"] for _m, i in plan}
    ordered = sorted(
        ((order, item) for order, (_n, item) in enumerate(plan, start=1)),
        key=lambda oi: _depth(oi[1]["code"], parent_of),
    )
    for order, item in ordered:
        ind = existing.get(item["code"]) or Indicator(tree=target, code=item["code"])
        added += ind.pk is None
        parent = made.get(item["parent"]) or existing.get(item["parent"])
        ind.parent = parent
        ind.level = (parent.level + 1) if parent else 1
        ind.sort_order = order
        for key in ("name", "weight", "best", "worst", "exponent", "direction", "transform"):
            setattr(ind, key, item[key])
        for key in ("source", "measure_key", "measure_unit", "lead_unit", "is_active"):
            setattr(ind, key, item[key])
        if not item["is_active"] and not ind.deactivate_reason:
            ind.deactivate_reason = _("Excel导入停用")
        ind.save()
        ind.co_units.set(item["co_units"])
        made[item["code"]] = ind
        changed += 1
    workflow.record(
        actor,
        "indicator.tree_import",
        target,
        after={
            "rows": changed,
            "added": added,
            "version": target.version,
            "file": upload.name[:100],
        },
    )
    return target
