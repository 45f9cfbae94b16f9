"""Values of a period in and out of Excel. The template lists the leaves the user may fill; an
import checks every row first and saves nothing when any row is wrong (the errors name the row
and the column); imported values go to the 营商办 for review like submitted ones."""

import io
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import InvalidInput, PermissionDeniedError
from yingshang.indicators import transitions as t
from yingshang.indicators.models import Period, Source, Value
from yingshang.indicators.scopes import UNIT_WORK_ROLES, is_office, may_import
from yingshang.indicators.services import rounds
from yingshang.indicators.services.values import plausible
from yingshang.org import scope

HEADERS = ["指标编码", "指标名称", "计量单位", "最优值", "最差值", "指标值", "承诺目标值", "说明"]
MAX_ROWS = 2000


def fillable(user, period: Period):
    """The values of `period` the user may fill in (template rows and import targets)."""
    qs = (
        scope.visible_to(user, Value)
        .filter(period=period, status__in=t.EDITABLE)
        .exclude(indicator__source=Source.MEASURED)
        .select_related("indicator")
        .order_by("indicator__sort_order", "id")
    )
    g = scope.grants(user)
    if is_office(g):
        return qs
    return qs.filter(indicator__lead_unit_id__in=g.units(*UNIT_WORK_ROLES))


def template_rows(user, period: Period):
    for v in fillable(user, period):
        i = v.indicator
        yield [i.code, i.name, i.measure_unit, i.best, i.worst, v.value, v.target, v.note]


def _num(cell, row: int, column: str, errors: list):
    if cell in (None, ""):
        return None
    if isinstance(cell, bool):
        errors.append({"row": row, "field": column, "message": _("不是数字")})
        return None
    try:
        d = Decimal(str(cell).strip())
        if not d.is_finite():
            raise ArithmeticError
        return d
    except (ArithmeticError, ValueError):
        errors.append(
            {"row": row, "field": column, "message": _("“%(v)s”不是有效数字") % {"v": cell}}
        )
        return None


def _cell(row, i):
    return row[i] if i is not None and i < len(row) else None


def _read(upload) -> list[tuple]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput(
            "INDICATOR_IMPORT_UNREADABLE",
            _("无法读取该文件，请上传由模板填写的Excel（.xlsx）文件"),
            details={"field": "file"},
        ) from None
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True, max_row=MAX_ROWS + 1))
    wb.close()
    return rows


@transaction.atomic
def values_import(*, actor, period: Period, upload) -> int:
    """Import a filled template; returns how many values were saved and submitted."""
    workflow.require_actor(actor)
    g = scope.grants(actor)
    ok = may_import(g)
    if not ok:
        raise PermissionDeniedError(ok.code, ok.message)
    rows = _read(upload)
    if not rows or [str(c or "").strip() for c in rows[0][: len(HEADERS)]][:1] != [HEADERS[0]]:
        raise InvalidInput(
            "INDICATOR_IMPORT_HEADER",
            _("第1行应为表头（第一列“指标编码”），请使用下载的模板"),
            details={"row": 1},
        )
    header = [str(c or "").strip() for c in rows[0]]
    try:
        col_value, col_target = header.index("指标值"), header.index("承诺目标值")
    except ValueError:
        raise InvalidInput(
            "INDICATOR_IMPORT_HEADER", _("表头缺少“指标值”或“承诺目标值”列"), details={"row": 1}
        ) from None
    col_note = header.index("说明") if "说明" in header else None
    targets = {v.indicator.code: v for v in fillable(actor, period).select_for_update(of=("self",))}
    known = set(period.values.values_list("indicator__code", flat=True))
    errors: list[dict] = []
    plan = []
    for n, row in enumerate(rows[1:], start=2):
        if not row or all(c in (None, "") for c in row):
            continue
        code = str(row[0] or "").strip()
        value = targets.get(code)
        if value is None:
            why = (
                _("指标编码“%(c)s”不是本期的指标") % {"c": code}
                if code not in known
                else _("指标“%(c)s”不能由您导入（非本单位牵头、系统测算或已提交审核）")
                % {"c": code}
            )
            errors.append({"row": n, "field": HEADERS[0], "message": why})
            continue
        raw_value, raw_target, raw_note = (_cell(row, i) for i in (col_value, col_target, col_note))
        number = _num(raw_value, n, "指标值", errors)
        target = _num(raw_target, n, "承诺目标值", errors)
        if number is None and raw_value in (None, ""):
            errors.append({"row": n, "field": "指标值", "message": _("未填写")})
            continue
        for label, d in (("指标值", number), ("承诺目标值", target)):
            if d is not None:
                try:
                    plausible(value.indicator, d)
                except InvalidInput as exc:
                    errors.append({"row": n, "field": label, "message": exc.message})
        plan.append((value, number, target, str(raw_note or "").strip()))
    if errors:
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
    now = timezone.now()
    for value, number, target, note in plan:
        t.VALUE.check("submit", value.status)
        before = workflow.snapshot(value, "status")
        value.value = number
        value.target = target
        value.note = note or value.note
        value.source = Source.IMPORTED
        value.status = t.VALUE.target("submit", value.status)
        value.entered_by = actor
        value.entered_at = value.submitted_at = now
        value.late = timezone.localdate(now) > period.due_on
        value.save()
        workflow.record(
            actor,
            "indicator.import",
            value,
            before=before,
            after={"status": value.status, "value": str(number), "file": upload.name[:100]},
        )
    for value, *_rest in plan:
        rounds.task_check(actor, value, now)
    return len(plan)
