"""A small county for inspections tests: two departments (the personas' unit_a 市场监管局 and
unit_b 住建局), firms in two regions, matters and inspectors of both units."""

import datetime as dt
from dataclasses import dataclass

from yingshang.enterprises.models import Firm
from yingshang.inspections import services
from yingshang.org.identifiers import valid_uscc

REGIONS = ("139999101000", "139999102000")


@dataclass
class World:
    p: object
    firms: list
    matter_a: object
    matter_b: object
    inspectors: list


def make_firms(n: int, *, start: int = 0) -> list[Firm]:
    return Firm.objects.bulk_create(
        [
            Firm(
                uscc=valid_uscc(f"91139999MA{start + i:07d}"),
                name=f"抽查测试企业{start + i:04d}有限公司",
                region_code=REGIONS[i % 2],
                industry_code="F52" if i % 3 else "C13",
                size=Firm.Size.SMALL,
            )
            for i in range(n)
        ]
    )


def make_world(p, *, firms: int = 40, inspectors_per_unit: int = 4) -> World:
    firm_rows = make_firms(firms)
    matter_a = services.matter_add(
        actor=p.head_a,
        unit=p.unit_a,
        code="scjg-food",
        name="食品经营许可情况检查",
        legal_basis="《食品安全法》第一百一十条",
        checklist=["许可证在有效期内", "从业人员健康证明"],
    )
    matter_b = services.matter_add(
        actor=p.handler_b,
        unit=p.unit_b,
        code="zjj-site",
        name="建筑施工安全检查",
        legal_basis="《建设工程安全生产管理条例》第四十条",
        checklist=["安全生产许可证"],
    )
    inspectors = []
    for unit, actor, prefix in ((p.unit_a, p.head_a, "A"), (p.unit_b, p.handler_b, "B")):
        for i in range(inspectors_per_unit):
            inspectors.append(
                services.inspector_add(
                    actor=actor,
                    unit=unit,
                    code=f"{prefix}{i:03d}",
                    name=f"检查员{prefix}{i}",
                    region_code=REGIONS[i % 2],
                    qualifications="行政执法证",
                )
            )
    return World(p=p, firms=firm_rows, matter_a=matter_a, matter_b=matter_b, inspectors=inspectors)


def joint_plan(w: World, **over):
    p = w.p
    fields = {
        "actor": p.head_a,
        "title": "2026年度市场主体联合抽查",
        "lead_unit": p.unit_a,
        "units": [p.unit_b],
        "matters": [w.matter_a, w.matter_b],
        "ratio_bp": 1000,
        "window_start": dt.date(2026, 12, 1),
        "window_end": dt.date(2026, 12, 31),
    }
    fields.update(over)
    return services.plan_create(**fields)
