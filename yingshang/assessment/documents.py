"""The bulletin (.docx, the usual 通报 form) and the workbook (.xlsx, one sheet per table plus the
detail rows every figure is reproducible from) of a snapshot. python-docx and openpyxl are imported
when a document is made, not with the views (yingshang.spreadsheets says why)."""

import io

from django.utils.translation import gettext as _

from yingshang import spreadsheets
from yingshang.assessment.models import Snapshot
from yingshang.assessment.selectors import fmt
from yingshang.assessment.services.snapshots import _previous_last

TITLE_FONT, HEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312"


def _font(style_or_run, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style_or_run.font
    font.name = name
    font.size = Pt(size)
    font.bold = bold
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _styles(doc) -> None:
    """Paragraph styles named after the fonts of the official form: 方正小标宋 (title), 黑体
    (headings), 仿宋 (body)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    for name, font, size, bold in (
        ("方正小标宋", TITLE_FONT, 22, False),  # 二号
        ("黑体", HEADING_FONT, 16, False),  # 三号
        ("仿宋", BODY_FONT, 16, False),
        ("表格仿宋", BODY_FONT, 10.5, False),  # 五号
    ):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        _font(style, font, size, bold)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = Pt(28) if size >= 16 else None


def _page_number(section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run("— ")
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        r = p.add_run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        r._r.append(el)
    p.add_run(" —")
    del run


def ladder_lists(snapshot: Snapshot) -> dict[str, list[tuple[str, str, dict]]]:
    """(group, unit name, row) per list — the listings once published, the ladder's proposal
    before."""
    results = snapshot.results or {}
    twice = _previous_last(snapshot)
    out = {"praise": [], "statement": [], "talk": []}
    for g in results.get("groups", []):
        rows = {r["unit_id"]: r for r in g["rows"]}
        for uid in g.get("top", []):
            out["praise"].append((g["name"], rows[uid]["unit_name"], rows[uid]))
        for uid in g.get("last", []):
            kind = "talk" if uid in twice.get(g["name"], set()) else "statement"
            out[kind].append((g["name"], rows[uid]["unit_name"], rows[uid]))
    return out


def summary(snapshot: Snapshot) -> str:
    results = snapshot.results or {}
    period = results.get("period", {}).get("label", snapshot.period_key)
    parts = []
    total = short = 0
    for g in results.get("groups", []):
        ranked = [r for r in g["rows"] if r["rank"] is not None]
        total += len(g["rows"])
        short += len(g["rows"]) - len(ranked)
        if ranked:
            parts.append(
                _("%(group)s第一名为%(first)s（%(fs)s分），末位为%(last)s（%(ls)s分）")
                % {
                    "group": g["name"],
                    "first": ranked[0]["unit_name"],
                    "fs": ranked[0]["score"],
                    "last": ranked[-1]["unit_name"],
                    "ls": ranked[-1]["score"],
                }
            )
    text = _(
        "按照《%(scheme)s》，现将%(period)s考核排名情况通报如下。本期共考核%(total)s个单位，"
        "其中%(short)s个单位样本不足、不参与排名。"
    ) % {
        "scheme": results.get("scheme", {}).get("name", ""),
        "period": period,
        "total": total,
        "short": short,
    }
    return text + ("；".join(parts) + "。" if parts else "")


def bulletin(snapshot: Snapshot) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    results = snapshot.results or {}
    metrics = results.get("metrics", [])
    doc = Document()
    _styles(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number(section)

    title = doc.add_paragraph(
        _("关于%(period)s考核排名情况的通报") % {"period": results["period"]["label"]},
        style="方正小标宋",
    )
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = doc.add_paragraph(snapshot.document_number or _("（文号待定）"), style="仿宋")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    body = doc.add_paragraph(summary(snapshot), style="仿宋")
    body.paragraph_format.first_line_indent = Pt(32)

    for i, g in enumerate(results.get("groups", []), start=1):
        doc.add_paragraph(
            _("%(n)s、%(group)s排名") % {"n": _cn(i), "group": g["name"]}, style="黑体"
        )
        headers = [_("名次"), _("单位"), _("得分")] + [m["label"] for m in metrics] + [_("加减分")]
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = str(text)
        for r in g["rows"]:
            values = [
                str(r["rank"]) if r["rank"] is not None else _("样本不足"),
                r["unit_name"],
                r["score"] if r["score"] is not None else "—",
            ]
            values += [
                fmt(r["metrics"][m["code"]]["value"], m.get("kind", "rate")) for m in metrics
            ]
            values.append(r["bonus"])
            row = table.add_row()
            for cell, text in zip(row.cells, values, strict=True):
                cell.text = str(text)
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.style = doc.styles["表格仿宋"]

    lists = ladder_lists(snapshot)
    n = len(results.get("groups", [])) + 1
    for kind, heading in (
        ("praise", _("通报表扬")),
        ("statement", _("表态发言")),
        ("talk", _("约谈提醒")),
    ):
        doc.add_paragraph(f"{_cn(n)}、{heading}", style="黑体")
        n += 1
        names = [
            _("%(unit)s（%(group)s第%(rank)s名，%(score)s分）")
            % {"unit": unit, "group": group, "rank": row["rank"], "score": row["score"]}
            for group, unit, row in lists[kind]
        ]
        doc.add_paragraph("、".join(names) if names else _("无。"), style="仿宋")

    overdue = overdue_named(results)
    if overdue:
        doc.add_paragraph(f"{_cn(n)}、{_('超期未办结情况')}", style="黑体")
        n += 1
        for label, names in overdue:
            doc.add_paragraph(f"{label}：{'、'.join(names)}。", style="仿宋")

    exposures = results.get("exposures") or []
    if exposures:
        doc.add_paragraph(f"{_cn(n)}、{_('曝光台典型案例')}", style="黑体")
        n += 1
        for e in exposures:
            doc.add_paragraph(
                _("（%(kind)s）%(unit)s：%(title)s。%(text)s")
                % {
                    "kind": e["kind_label"],
                    "unit": e["unit_name"],
                    "title": e["title"],
                    "text": e["text"],
                },
                style="仿宋",
            )

    items = [
        (g["name"], r["unit_name"], item)
        for g in results.get("groups", [])
        for r in g["rows"]
        for item in r.get("bonus_items", [])
    ]
    doc.add_paragraph(f"{_cn(n)}、{_('加减分事项')}", style="黑体")
    if items:
        for _group, unit, item in items:
            doc.add_paragraph(
                _("%(unit)s：%(kind)s，%(points)s分。%(reason)s")
                % {
                    "unit": unit,
                    "kind": item["kind_label"],
                    "points": item["points"],
                    "reason": item["reason"],
                },
                style="仿宋",
            )
    else:
        doc.add_paragraph(_("无。"), style="仿宋")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def overdue_named(results: dict) -> list[tuple[str, list[str]]]:
    """For each count metric where less is better (超期件数, 逾期问题数): the units with any,
    most first — the overdue items a bulletin names."""
    out = []
    for m in results.get("metrics", []):
        if m.get("kind") != "count" or m.get("direction") != "lower":
            continue
        found = [
            (float(r["metrics"][m["code"]]["value"]), r["unit_name"])
            for g in results.get("groups", [])
            for r in g["rows"]
            if r["metrics"][m["code"]]["value"] not in (None, "0")
            and float(r["metrics"][m["code"]]["value"]) > 0
        ]
        if found:
            found.sort(key=lambda x: (-x[0], x[1]))
            out.append((m["label"], [_("%(unit)s%(n)d件") % {"unit": u, "n": v} for v, u in found]))
    return out


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九十"
    return digits[n] if n <= 10 else f"十{digits[n - 10]}" if n < 20 else str(n)


def _sheet(wb, title: str, headers: list, rows) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(title[:31])
    head = []
    for h in headers:
        c = WriteOnlyCell(ws, value=str(h))
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        head.append(c)
    ws.append(head)
    for row in rows:
        spreadsheets.append_row(ws, row)


def _num(value):
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def workbook(snapshot: Snapshot) -> bytes:
    from openpyxl import Workbook

    results = snapshot.results or {}
    metrics = results.get("metrics", [])
    wb = Workbook(write_only=True)
    for g in results.get("groups", []):
        headers = (
            [_("名次"), _("单位"), _("得分"), _("指标得分"), _("加减分")]
            + [m["label"] for m in metrics]
            + [_("说明")]
        )
        rows = []
        for r in g["rows"]:
            note = (
                _("样本不足：")
                + "、".join(m["label"] for m in metrics if m["code"] in r.get("short", []))
                if r["rank"] is None
                else ""
            )
            rows.append(
                [r["rank"], r["unit_name"], _num(r["score"]), _num(r["base"]), _num(r["bonus"])]
                + [_num(r["metrics"][m["code"]]["value"]) for m in metrics]
                + [note]
            )
        _sheet(wb, _("%(group)s排名") % {"group": g["name"]}, headers, rows)
    detail = []
    for g in results.get("groups", []):
        for r in g["rows"]:
            for m in metrics:
                c = r["metrics"][m["code"]]
                detail.append(
                    [
                        g["name"],
                        r["unit_name"],
                        m["label"],
                        _num(c["value"]),
                        c["num"],
                        c["den"],
                        c["sample"],
                        m["min_sample"],
                        _("是") if c["insufficient"] else _("否"),
                        _num(m["weight"]),
                        _num(c["points"]),
                    ]
                )
    _sheet(
        wb,
        _("指标明细"),
        [
            _("分组"),
            _("单位"),
            _("指标"),
            _("数值"),
            _("分子"),
            _("分母"),
            _("样本"),
            _("最小样本"),
            _("样本不足"),
            _("权重"),
            _("标准化得分"),
        ],
        detail,
    )
    _sheet(
        wb,
        _("加减分"),
        [_("分组"), _("单位"), _("类别"), _("日期"), _("分值"), _("事由")],
        [
            [
                g["name"],
                r["unit_name"],
                i["kind_label"],
                i["occurred_on"],
                _num(i["points"]),
                i["reason"],
            ]
            for g in results.get("groups", [])
            for r in g["rows"]
            for i in r.get("bonus_items", [])
        ],
    )
    lists = ladder_lists(snapshot)
    labels = {"praise": _("通报表扬"), "statement": _("表态发言"), "talk": _("约谈")}
    _sheet(
        wb,
        _("名单"),
        [_("名单"), _("分组"), _("单位"), _("名次"), _("得分")],
        [
            [labels[k], group, unit, row["rank"], _num(row["score"])]
            for k, items in lists.items()
            for group, unit, row in items
        ],
    )
    _sheet(
        wb,
        _("版本差异"),
        [_("分组"), _("单位"), _("原名次"), _("新名次"), _("原得分"), _("新得分")],
        [
            [
                d["group"],
                d["unit_name"],
                d["rank_before"],
                d["rank_after"],
                _num(d["score_before"]),
                _num(d["score_after"]),
            ]
            for d in snapshot.diff or []
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
