"""A realistic 72-row ledger like the county's (seed 001: 72 problems from self-inspection),
built with openpyxl in the tests (no binaries committed); and a small PNG."""

import io

from openpyxl import Workbook

from yingshang.demo.loaders.supervision import png  # noqa: F401  (re-exported for the tests)

HEADERS = [
    "序号",
    "问题类别",
    "问题描述",
    "责任单位",
    "责任领导",
    "整改措施",
    "完成时限",
    "进展情况",
    "状态",
]

PROBLEMS = [
    ("不规范", "办事指南要件表述模糊，群众需多次补交材料", "一次性告知清单逐项细化"),
    ("不担当", "对企业咨询推诿扯皮，首问负责制落实不到位", "落实首问负责、限时办结"),
    ("不诚信", "招商引资承诺的奖补政策兑现不及时", "梳理未兑现承诺，限期兑现"),
    ("中梗阻", "股室之间流转环节多，审批件在内部滞留", "压缩内部流转环节，实行并联审批"),
    ("吃拿卡要", "个别执法人员检查时暗示企业购买指定产品", "开展专项整治，公开举报电话"),
    ("不规范", "窗口工作人员未按要求亮证上岗", "统一工牌，纳入日常考核"),
]


def ledger(units: list[str], rows: int = 72, *, title: bool = True, year: int = 2026) -> bytes:
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    ws.title = "问题台账"
    if title:
        ws.append(["示范县优化营商环境自查问题整改台账"])
    ws.append(HEADERS)
    for i in range(rows):
        cat, desc, measure = PROBLEMS[i % len(PROBLEMS)]
        unit = units[i % len(units)]
        ws.append(
            [
                i + 1,
                cat,
                f"{desc}（第{i + 1}项）",
                unit,
                f"分管副局长{i % 5 + 1}",
                measure,
                dt.date(year, 12, 1 + i % 28),
                "已制定整改方案" if i % 3 else "",
                "整改中" if i % 4 else "待认领",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
