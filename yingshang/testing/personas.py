"""Named personas shared by every test (healthchecks' alice/bob/charlie, zulip's hamlet/iago):

- applicant  张三, a citizen with a validated ID number
- firm_user  a firm account bound to a USCC
- clerk      window clerk at the service centre (window 01)
- handler_a  dept_handler of unit A (市场监管局)       head_a: dept_head of unit A
- handler_b  dept_handler of unit B (住建局)
- operator   hotline operator at the 12345 sub-centre
- supervisor 营商办 supervisor (county-wide)           leader: county leader (read-only)
- admin      system administrator
- outsider   a logged-in person with no role and no records
"""

from dataclasses import dataclass

from yingshang.enterprises.models import Firm
from yingshang.org.identifiers import uscc_check_char
from yingshang.org.models import RoleAssignment, Unit, User, Window
from yingshang.org.roles import Role

PASSWORD = "Test2026password"

# every person of `make_personas()`, for role sweeps (parametrize over these names)
PEOPLE = (
    "applicant",
    "firm_user",
    "clerk",
    "handler_a",
    "head_a",
    "handler_b",
    "operator",
    "supervisor",
    "leader",
    "admin",
    "outsider",
)


@dataclass
class Personas:
    county: Unit
    centre: Unit
    unit_a: Unit
    unit_b: Unit
    hotline_centre: Unit
    supervision_unit: Unit
    window: Window
    firm: Firm
    applicant: User
    firm_user: User
    clerk: User
    handler_a: User
    head_a: User
    handler_b: User
    operator: User
    supervisor: User
    leader: User
    admin: User
    outsider: User

    def by_role(self, name: str) -> User:
        return getattr(self, name)


def _unit(code, name, kind, parent=None, **extra) -> Unit:
    unit = Unit.objects.create(code=code, name=name, kind=kind, parent=parent, **extra)
    unit.path = (parent.path if parent else "/") + f"{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


def _user(username, real_name, *, kind=User.Kind.STAFF, role=None, unit=None, **extra) -> User:
    user = User.objects.create_user(
        username, password=PASSWORD, real_name=real_name, kind=kind, **extra
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def make_personas() -> Personas:
    county = _unit("county", "测试县人民政府", Unit.Kind.COUNTY, region_code="139999000000")
    centre = _unit("centre", "测试县政务服务中心", Unit.Kind.CENTRE, county)
    unit_a = _unit(
        "scjg", "测试县市场监督管理局", Unit.Kind.DEPARTMENT, county, short_name="市场监管局"
    )
    unit_b = _unit(
        "zjj", "测试县住房和城乡建设局", Unit.Kind.DEPARTMENT, county, short_name="住建局"
    )
    supervision_unit = _unit("yshj", "测试县营商环境建设局", Unit.Kind.DEPARTMENT, county)
    hotline_centre = _unit("yshj-12345", "12345热线分中心", Unit.Kind.SECTION, supervision_unit)
    firm = Firm.objects.create(
        uscc="91350100M000100Y43",
        name="测试餐饮有限公司",
        size=Firm.Size.SMALL,
        legal_representative="赵小龙",
        contact_phone="13800138001",
    )
    clerk = _user("clerk", "窗口员", role=Role.WINDOW_CLERK, unit=centre, mobile="13900000002")
    window = Window.objects.create(hall=centre, number="01", name="综合受理窗口", clerk=clerk)
    return Personas(
        county=county,
        centre=centre,
        unit_a=unit_a,
        unit_b=unit_b,
        hotline_centre=hotline_centre,
        supervision_unit=supervision_unit,
        window=window,
        firm=firm,
        applicant=_user(
            "zhangsan",
            "张三",
            kind=User.Kind.PERSON,
            id_number="11010519491231002X",
            mobile="13800138000",
        ),
        firm_user=_user("firm", "测试餐饮", kind=User.Kind.FIRM, firm=firm, mobile="13800138001"),
        clerk=clerk,
        handler_a=_user(
            "handler_a", "市场监管经办", role=Role.DEPT_HANDLER, unit=unit_a, mobile="13900000003"
        ),
        head_a=_user(
            "head_a", "市场监管局长", role=Role.DEPT_HEAD, unit=unit_a, mobile="13900000004"
        ),
        handler_b=_user(
            "handler_b", "住建经办", role=Role.DEPT_HANDLER, unit=unit_b, mobile="13900000005"
        ),
        operator=_user(
            "operator",
            "话务员",
            role=Role.HOTLINE_OPERATOR,
            unit=hotline_centre,
            mobile="13900000006",
        ),
        supervisor=_user(
            "supervisor",
            "督查员",
            role=Role.SUPERVISOR,
            unit=supervision_unit,
            mobile="13900000007",
        ),
        leader=_user("leader", "县领导", role=Role.LEADER, unit=county, mobile="13900000008"),
        admin=_user("admin", "管理员", role=Role.ADMIN, mobile="13900000001"),
        outsider=_user(
            "outsider",
            "路人",
            kind=User.Kind.PERSON,
            id_number="34052419800101001X",
            mobile="13800138009",
        ),
    )


def valid_uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)
