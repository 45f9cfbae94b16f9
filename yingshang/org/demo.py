"""The demo county 示范县 (fictional region code 139999): departments named as real counties
name them, towns, the service centre with its windows, the 12345 sub-centre, and one demo
account per role."""

from django.db import transaction

from yingshang.enterprises.models import Firm
from yingshang.org import services
from yingshang.org.models import RoleAssignment, Unit, User, Window
from yingshang.org.roles import Role

DEMO_PASSWORD = "Demo2026yingshang"
REGION = "139999"

# (code, name, short name, kind, responsible person, sections)
DEPARTMENTS = [
    (
        "xzsp",
        "示范县行政审批局",
        "行政审批局",
        "department",
        "王建华",
        ["综合受理科", "投资项目审批科"],
    ),
    (
        "scjg",
        "示范县市场监督管理局",
        "市场监管局",
        "department",
        "李明",
        ["登记注册科", "食品经营监管科"],
    ),
    ("gaj", "示范县公安局", "公安局", "department", "张伟", ["户政科", "出入境管理大队"]),
    ("rsj", "示范县人力资源和社会保障局", "人社局", "department", "刘芳", ["社会保险科"]),
    (
        "zrzy",
        "示范县自然资源局",
        "自然资源局",
        "department",
        "陈刚",
        ["不动产登记中心", "国土空间规划科"],
    ),
    ("zjj", "示范县住房和城乡建设局", "住建局", "department", "杨帆", ["建筑市场管理科"]),
    ("swj", "国家税务总局示范县税务局", "税务局", "department", "赵磊", ["纳税服务股"]),
    (
        "yshj",
        "示范县营商环境建设局",
        "营商环境建设局",
        "department",
        "周敏",
        ["督查考核科", "12345政务服务便民热线分中心"],
    ),
    ("fgj", "示范县发展和改革局", "发改局", "department", "吴强", []),
    ("gxj", "示范县工业和信息化局", "工信局", "department", "郑浩", []),
    ("jrb", "示范县地方金融服务中心", "金融办", "department", "孙丽", []),
    ("tcj", "示范县投资促进局", "投促局", "department", "马超", []),
    ("jtj", "示范县交通运输局", "交通运输局", "department", "朱军", []),
    ("sthj", "示范县生态环境分局", "生态环境局", "department", "胡静", []),
    ("wjj", "示范县卫生健康局", "卫健局", "department", "郭勇", []),
    ("jyj", "示范县教育局", "教育局", "department", "何娟", []),
    ("mzj", "示范县民政局", "民政局", "department", "高峰", []),
    ("swuj", "示范县水务局", "水务局", "department", "林涛", []),
    ("sfj", "示范县司法局", "司法局", "department", "罗晨", []),
    ("ybj", "示范县医疗保障局", "医保局", "department", "梁燕", []),
    ("nyj", "示范县农业农村局", "农业农村局", "department", "宋杰", []),
    ("wlj", "示范县文化广电和旅游局", "文旅局", "department", "韩雪", []),
    ("yjj", "示范县应急管理局", "应急管理局", "department", "唐斌", []),
    ("cgj", "示范县城市管理综合行政执法局", "城管局", "department", "冯磊", []),
    ("gdj", "国网示范县供电公司", "供电公司", "department", "曹阳", []),
    ("jwjw", "中共示范县纪律检查委员会 示范县监察委员会", "纪委监委", "department", "许正", []),
    ("zzb", "中共示范县委组织部", "组织部", "department", "邓华", []),
]
TOWNS = [
    "城关镇",
    "东坝镇",
    "西河镇",
    "南山镇",
    "北塘镇",
    "青石镇",
    "柳林乡",
    "白马乡",
    "新城街道",
    "桃园街道",
]
TOWN_CODES = [
    "chengguan",
    "dongba",
    "xihe",
    "nanshan",
    "beitang",
    "qingshi",
    "liulin",
    "baima",
    "xincheng",
    "taoyuan",
]

# (username, real name, role, unit code, mobile)
DEMO_USERS = [
    ("admin", "系统管理员", Role.ADMIN, None, "13900000001"),
    ("clerk", "窗口-黄小燕", Role.WINDOW_CLERK, "centre", "13900000002"),
    ("scjg_handler", "市场监管-钱立", Role.DEPT_HANDLER, "scjg", "13900000003"),
    ("scjg_head", "市场监管-李明", Role.DEPT_HEAD, "scjg", "13900000004"),
    ("zjj_handler", "住建-冯佳", Role.DEPT_HANDLER, "zjj", "13900000005"),
    ("operator", "话务员-姚佳", Role.HOTLINE_OPERATOR, "yshj-12345", "13900000006"),
    ("supervisor", "营商办-周敏", Role.SUPERVISOR, "yshj", "13900000007"),
    ("leader", "县领导-范文", Role.LEADER, "county", "13900000008"),
    ("chengguan", "城关镇-邱实", Role.DEPT_HANDLER, "chengguan", "13900000009"),
    ("xzsp_handler", "审批局-孔洁", Role.DEPT_HANDLER, "xzsp", "13900000010"),
    ("xzsp_head", "审批局-王建华", Role.DEPT_HEAD, "xzsp", "13900000011"),
    ("zrzy_handler", "自然资源-白露", Role.DEPT_HANDLER, "zrzy", "13900000012"),
    ("wjj_handler", "卫健-方圆", Role.DEPT_HANDLER, "wjj", "13900000013"),
    ("gaj_handler", "公安-石磊", Role.DEPT_HANDLER, "gaj", "13900000014"),
]
DEMO_APPLICANTS = [
    # username, name, kind, id number, mobile, firm (uscc, name)
    ("zhangsan", "张三", User.Kind.PERSON, "11010519491231002X", "13800138000", None),
    (
        "firm_demo",
        "示范餐饮管理有限公司",
        User.Kind.FIRM,
        None,
        "13800138001",
        ("91139999MA0DEMX02", "示范县味道餐饮管理有限公司"),
    ),
]


def _uscc(seed17: str) -> str:
    from yingshang.org.identifiers import uscc_check_char

    return seed17 + uscc_check_char(seed17)


@transaction.atomic
def load_demo(ctx) -> None:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        # bootstrap: the first admin cannot be created by an admin
        admin = User.objects.create_user(
            "admin", password=DEMO_PASSWORD, real_name="系统管理员", mobile="13900000001"
        )
        RoleAssignment.objects.create(user=admin, role=Role.ADMIN)
    county = Unit.objects.filter(code="county").first() or services.unit_create(
        actor=admin,
        parent=None,
        kind=Unit.Kind.COUNTY,
        code="county",
        name="示范县人民政府",
        short_name="示范县",
        region_code=REGION + "000000",
        phone="0399-1234567",
        address="示范县人民路1号",
    )
    units = {"county": county}
    centre = Unit.objects.filter(code="centre").first() or services.unit_create(
        actor=admin,
        parent=county,
        kind=Unit.Kind.CENTRE,
        code="centre",
        name="示范县政务服务中心",
        short_name="政务服务中心",
        phone="0399-1234345",
        address="示范县迎宾大道88号",
        sort_order=1,
        commitment="一窗受理、一网通办、限时办结；工作日9:00-12:00，13:30-17:30，周六上午延时服务。",
        responsible_name="王建华",
        responsible_phone="0399-1234346",
    )
    units["centre"] = centre
    for order, (code, name, short, kind, person, sections) in enumerate(DEPARTMENTS, start=10):
        unit = Unit.objects.filter(code=code).first() or services.unit_create(
            actor=admin,
            parent=county,
            kind=kind,
            code=code,
            name=name,
            short_name=short,
            sort_order=order,
            phone=f"0399-12{order:03d}00",
            address=f"示范县政务服务中心{order % 3 + 1}楼",
            commitment=f"{short}承诺：首问负责、一次性告知、限时办结，不让企业和群众多跑腿。",
            responsible_name=person,
            responsible_phone=f"139{order:04d}{order * 7 % 10000:04d}",
        )
        units[code] = unit
        for i, section in enumerate(sections):
            scode = f"{code}-12345" if "12345" in section else f"{code}-s{i + 1}"
            units[scode] = Unit.objects.filter(code=scode).first() or services.unit_create(
                actor=admin,
                parent=unit,
                kind=Unit.Kind.SECTION,
                code=scode,
                name=section,
                sort_order=i,
            )
    for i, (town, code) in enumerate(zip(TOWNS, TOWN_CODES, strict=True)):
        units[code] = Unit.objects.filter(code=code).first() or services.unit_create(
            actor=admin,
            parent=county,
            kind=Unit.Kind.TOWN,
            code=code,
            name=f"示范县{town}",
            short_name=town,
            region_code=f"{REGION}{100 + i:03d}000",
            sort_order=200 + i,
            phone=f"0399-13{i:02d}0000",
            address=f"示范县{town}政府路{i + 1}号",
            commitment=f"{town}便民服务中心：有求必应，无事不扰。",
            responsible_name=f"{town[0]}镇长",
            responsible_phone=f"1370000{i:04d}",
        )
    for number in range(1, 9):
        Window.objects.get_or_create(
            hall=centre,
            number=f"{number:02d}",
            defaults={
                "name": "综合受理窗口" if number <= 6 else "出件窗口",
                "kind": Window.Kind.GENERAL,
            },
        )
    for username, real_name, role, unit_code, mobile in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                actor=admin,
                username=username,
                password=DEMO_PASSWORD,
                real_name=real_name,
                mobile=mobile,
            )
        services.role_grant(
            actor=admin, user=user, role=role, unit=units.get(unit_code) if unit_code else None
        )
        if role == Role.WINDOW_CLERK:
            Window.objects.filter(hall=centre, number="01", clerk__isnull=True).update(clerk=user)
    for username, name, kind, id_number, mobile, firm_data in DEMO_APPLICANTS:
        if User.objects.filter(username=username).exists():
            continue
        firm = None
        if firm_data:
            uscc = _uscc(firm_data[0][:17])
            firm, _created = Firm.objects.get_or_create(
                uscc=uscc,
                defaults={
                    "name": firm_data[1],
                    "legal_representative": "赵小龙",
                    "size": Firm.Size.SMALL,
                    "contact_name": "赵小龙",
                    "contact_phone": mobile,
                    "address": "示范县城关镇人民路18号",
                    "region_code": REGION,
                },
            )
        services.user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            real_name=name,
            kind=kind,
            mobile=mobile,
            id_number=id_number,
            firm=firm,
        )
    ctx.data["units"] = units
    ctx.data["admin"] = admin


def demo_logins() -> list[tuple[str, str, str, str]]:
    rows = []
    for username, real_name, role, unit_code, _mobile in DEMO_USERS:
        unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
        rows.append((Role(role).label, username, real_name, unit.name if unit else ""))
    for username, name, *_rest in DEMO_APPLICANTS:
        rows.append((str(Role.APPLICANT.label), username, name, ""))
    return rows
