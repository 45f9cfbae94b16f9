"""The indicator tree of an evaluation year: created from the standard system (first year) or
copied from last year, edited by the 营商办. A tree with periods keeps its leaves' meaning:
editing it changes this year's scores only; last year's tree is a separate row set."""

from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.indicators import measures, scoring
from yingshang.indicators.models import Direction, Indicator, Source, Transform, Tree
from yingshang.indicators.scopes import may_edit_tree
from yingshang.org import scope
from yingshang.org.models import Unit

STANDARD = Path(__file__).resolve().parent.parent / "data" / "standard_tree.yaml"


def standard_items() -> list[dict]:
    return yaml.safe_load(STANDARD.read_text(encoding="utf-8"))


def _office(actor) -> None:
    workflow.require_actor(actor)
    if workflow.is_system(actor):
        return
    ok = may_edit_tree(scope.grants(actor))
    if not ok:
        raise PermissionDeniedError(ok.code, ok.message)


def _units_by_code() -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.all()}


def _add_items(tree, items, parent, prefix, level, units, counter) -> None:
    for i, item in enumerate(items, start=1):
        code = f"{prefix}{i:02d}"
        counter[0] += 1
        ind = Indicator.objects.create(
            tree=tree,
            parent=parent,
            code=code,
            name=item["name"],
            level=level,
            weight=Decimal(str(item.get("weight", 1))),
            sort_order=counter[0],
            lead_unit=units.get(item.get("lead", "")),
            measure_unit=item.get("unit", ""),
            direction=item.get("direction", Direction.LOWER),
            best=None if item.get("best") is None else Decimal(str(item["best"])),
            worst=None if item.get("worst") is None else Decimal(str(item["worst"])),
            transform=item.get("transform", Transform.LINEAR),
            exponent=None if item.get("exponent") is None else Decimal(str(item["exponent"])),
            source=item.get("source", Source.ENTERED),
            measure_key=item.get("measure", ""),
        )
        co = [units[c] for c in item.get("co", []) if c in units]
        if co:
            ind.co_units.set(co)
        _add_items(tree, item.get("children", []), ind, f"{code}.", level + 1, units, counter)


def _copy(source: Tree, tree: Tree) -> None:
    new_pk: dict[int, Indicator] = {}
    for ind in source.indicators.order_by("level", "sort_order", "id").prefetch_related("co_units"):
        co = list(ind.co_units.all())
        old_pk, parent_id = ind.pk, ind.parent_id
        ind.pk = None
        ind.id = None
        ind.tree = tree
        ind.parent = new_pk.get(parent_id) if parent_id else None
        ind._state.adding = True
        ind.save()
        ind.co_units.set(co)
        new_pk[old_pk] = ind


YEAR_MIN, YEAR_MAX = 2000, 2100


@transaction.atomic
def tree_create(*, actor, year: int, name: str = "", copy_from: Tree | None = None) -> Tree:
    """The tree of `year`: a copy of `copy_from` (by default the latest earlier year), or the
    standard system when there is none."""
    _office(actor)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise InvalidInput(
            "INDICATOR_YEAR_INVALID",
            _("评价年度应在%(a)d年至%(b)d年之间") % {"a": YEAR_MIN, "b": YEAR_MAX},
            details={"field": "year"},
        )
    if Tree.objects.filter(year=year).exists():
        raise DomainError(
            "INDICATOR_TREE_EXISTS", _("%(y)d年度的指标体系已存在") % {"y": year}, status=409
        )
    if copy_from is None:
        copy_from = Tree.objects.filter(year__lt=year).order_by("-year", "-version").first()
    tree = Tree.objects.create(
        year=year,
        name=name or _("%(y)d年度营商环境评价指标体系") % {"y": year},
        copied_from=copy_from,
        threshold=copy_from.threshold if copy_from else Decimal("70"),
    )
    if copy_from is not None:
        _copy(copy_from, tree)
    else:
        _add_items(tree, standard_items(), None, "", 1, _units_by_code(), [0])
    workflow.record(
        actor,
        "indicator.tree_create",
        tree,
        after={"year": year, "copied_from": copy_from.year if copy_from else None},
    )
    return tree


def _decimal(value, label: str, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput(
            "INDICATOR_NUMBER_INVALID",
            _("%(label)s“%(v)s”不是有效数字") % {"label": label, "v": value},
            details={"field": field},
        ) from None
    if not d.is_finite():
        raise InvalidInput(
            "INDICATOR_NUMBER_INVALID",
            _("%(label)s“%(v)s”不是有效数字") % {"label": label, "v": value},
            details={"field": field},
        )
    return d


EDITABLE = (
    "name",
    "weight",
    "measure_unit",
    "direction",
    "best",
    "worst",
    "transform",
    "exponent",
    "source",
    "measure_key",
    "description",
    "lead_unit_id",
    "by_site",
)


def _check_leaf(ind: Indicator) -> None:
    if ind.weight is None or ind.weight < 0:
        raise InvalidInput(
            "INDICATOR_WEIGHT_INVALID", _("权重不能为负数"), details={"field": "weight"}
        )
    if ind.children.filter(is_active=True).exists():
        return  # a parent: scored from its children
    scoring.check_bounds(ind.best, ind.worst, ind.transform, ind.exponent)
    if ind.direction == Direction.LOWER and ind.best > ind.worst:
        raise InvalidInput(
            "INDICATOR_DIRECTION_MISMATCH",
            _("“越低越好”的指标，最优值应小于最差值"),
            details={"field": "best"},
        )
    if ind.direction == Direction.HIGHER and ind.best < ind.worst:
        raise InvalidInput(
            "INDICATOR_DIRECTION_MISMATCH",
            _("“越高越好”的指标，最优值应大于最差值"),
            details={"field": "best"},
        )
    if ind.source == Source.MEASURED:
        measures.check_key(ind.measure_key)


def _new_version(actor, tree: Tree) -> Tree:
    new = Tree.objects.create(
        year=tree.year,
        version=tree.version + 1,
        name=tree.name,
        threshold=tree.threshold,
        weight_total=tree.weight_total,
        copied_from=tree,
    )
    _copy(tree, new)
    workflow.record(
        actor, "indicator.tree_version", new, after={"year": new.year, "version": new.version}
    )
    return new


def editable_tree(actor, tree: Tree) -> Tree:
    """The version of `tree`'s year that edits go to: the newest, unless a round has locked it
    — then a new version, a copy, so the rounds already opened keep the tree they were scored
    with (DESIGN.md §9: last year's scores keep last year's tree)."""
    newest = Tree.objects.select_for_update().filter(year=tree.year).order_by("-version").first()
    return _new_version(actor, newest) if newest.locked else newest


def _editable(actor, ind: Indicator) -> Indicator:
    tree = editable_tree(actor, ind.tree)
    if tree.pk == ind.tree_id:
        return ind
    return Indicator.objects.select_for_update().get(tree=tree, code=ind.code)


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, reason: str = "", **fields) -> Indicator:
    """Change a leaf's definition (or a parent's name and weight). Unknown keys are refused."""
    _office(actor)
    ind = _editable(actor, Indicator.objects.select_for_update().get(pk=indicator.pk))
    co_units = fields.pop("co_unit_ids", None)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(
            "INDICATOR_FIELD_UNKNOWN",
            _("不能修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))},
        )
    before = workflow.snapshot(ind, *EDITABLE)
    labels = {
        "weight": _("权重"),
        "best": _("最优值"),
        "worst": _("最差值"),
        "exponent": _("幂指数"),
    }
    for key, value in fields.items():
        if key in labels:
            value = _decimal(value, labels[key], key)
            if key == "weight" and value is None:
                value = Decimal(1)
        elif key == "lead_unit_id":
            value = int(value) if value not in (None, "") else None
            if value is not None and not Unit.objects.filter(pk=value).exists():
                raise InvalidInput(
                    "INDICATOR_UNIT_UNKNOWN", _("牵头单位不存在"), details={"field": key}
                )
        elif key == "direction" and value not in Direction.values:
            raise InvalidInput("INDICATOR_DIRECTION_INVALID", _("方向无效"), details={"field": key})
        elif key == "transform" and value not in Transform.values:
            raise InvalidInput(
                "INDICATOR_TRANSFORM_INVALID", _("转换方法无效"), details={"field": key}
            )
        elif key == "source" and value not in Source.values:
            raise InvalidInput(
                "INDICATOR_SOURCE_INVALID", _("数据来源无效"), details={"field": key}
            )
        elif key == "name" and not str(value or "").strip():
            raise InvalidInput(
                "INDICATOR_NAME_REQUIRED", _("请填写指标名称"), details={"field": key}
            )
        elif key == "by_site":
            value = value in (True, 1, "1", "on", "true", "True")
        elif key in ("measure_unit", "measure_key", "description"):
            value = str(value or "").strip()
        setattr(ind, key, value.strip() if key == "name" else value)
    _check_leaf(ind)
    ind.save()
    if co_units is not None:
        ind.co_units.set(Unit.objects.filter(pk__in=[int(x) for x in co_units if str(x).strip()]))
    after = workflow.snapshot(ind, *EDITABLE)
    changed = {k: str(v) for k, v in after.items() if before[k] != v}
    workflow.record(
        actor,
        "indicator.update",
        ind,
        before={k: str(before[k]) for k in changed},
        after=changed,
        reason=reason,
    )
    return ind


@transaction.atomic
def indicator_add(*, actor, parent: Indicator, name: str, **fields) -> Indicator:
    """A new child under `parent` (a second- or third-level indicator)."""
    _office(actor)
    parent = _editable(actor, Indicator.objects.select_for_update().get(pk=parent.pk))
    if not (name or "").strip():
        raise InvalidInput(
            "INDICATOR_NAME_REQUIRED", _("请填写指标名称"), details={"field": "name"}
        )
    n = parent.children.count() + 1
    last = parent.tree.indicators.order_by("-sort_order").values_list("sort_order", flat=True)
    ind = Indicator.objects.create(
        tree=parent.tree,
        parent=parent,
        code=f"{parent.code}.{n:02d}",
        name=name.strip(),
        level=parent.level + 1,
        sort_order=(last.first() or 0) + 1,
        best=Decimal(100),
        worst=Decimal(0),
        direction=Direction.HIGHER,
        lead_unit=parent.lead_unit,
    )
    if fields:
        ind = indicator_update(actor=actor, indicator=ind, **fields)
    workflow.record(actor, "indicator.add", ind, after={"code": ind.code, "name": ind.name})
    return ind


@transaction.atomic
def indicator_deactivate(*, actor, indicator: Indicator, reason: str = "") -> Indicator:
    """Take an indicator (and so its subtree) out of the year's scores; the row stays."""
    _office(actor)
    ind = _editable(actor, Indicator.objects.select_for_update().get(pk=indicator.pk))
    if not (reason or "").strip():
        raise InvalidInput("REASON_REQUIRED", _("请填写停用原因"), details={"field": "reason"})
    ind.is_active = False
    ind.deactivate_reason = reason.strip()[:200]
    ind.save(update_fields=["is_active", "deactivate_reason"])
    workflow.record(actor, "indicator.deactivate", ind, after={"is_active": False}, reason=reason)
    return ind
