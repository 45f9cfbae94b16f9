"""A city with two counties on one deployment (org.tenancy), made through the org services: for
the tests of the county boundary (org, assessment) and the two-county demo."""

from types import SimpleNamespace

from yingshang.org import services
from yingshang.org.models import RoleAssignment, Unit, User
from yingshang.org.roles import Role

K = Unit.Kind


def _person(admin, username: str, role: str, unit: Unit | None, mobile: str) -> User:
    user = services.user_create(
        actor=admin, username=username, password=None, real_name=username, mobile=mobile
    )
    services.role_grant(actor=admin, user=user, role=role, unit=unit)
    return user


def make_city() -> SimpleNamespace:
    """示范市 with two counties A and B, each with a centre, a 市场监管局 (and its 许可科) and a
    营商办, and in each a leader, a supervisor, a department handler and a hotline operator;
    the city's own 营商办 with a supervisor, a city leader, and an applicant."""
    admin = User.objects.create_user("cityadmin", real_name="市管理员", mobile="13700000000")
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN)
    root = services.unit_create(actor=admin, parent=None, kind=K.CITY, code="city", name="示范市")
    city_office = services.unit_create(
        actor=admin, parent=root, kind=K.DEPARTMENT, code="city-yshj", name="市营商办"
    )
    c = SimpleNamespace(admin=admin, root=root, city_office=city_office)
    for n, x in enumerate(("a", "b"), start=1):
        county = services.unit_create(
            actor=admin, parent=root, kind=K.COUNTY, code=f"county-{x}", name=f"{x.upper()}县"
        )
        setattr(c, f"county_{x}", county)
        centre, dept, office = (
            services.unit_create(
                actor=admin,
                parent=county,
                kind=kind,
                code=f"{code}-{x}",
                name=f"{x.upper()}县{name}",
            )
            for kind, code, name in (
                (K.CENTRE, "centre", "政务服务中心"),
                (K.DEPARTMENT, "scjg", "市场监管局"),
                (K.DEPARTMENT, "yshj", "营商办"),
            )
        )
        section = services.unit_create(
            actor=admin, parent=dept, kind=K.SECTION, code=f"xk-{x}", name="许可科"
        )
        for name, value in (("centre", centre), ("dept", dept), ("section", section)):
            setattr(c, f"{name}_{x}", value)
        setattr(
            c, f"leader_{x}", _person(admin, f"leader_{x}", Role.LEADER, county, f"1370000{n}001")
        )
        setattr(
            c,
            f"supervisor_{x}",
            _person(admin, f"supervisor_{x}", Role.SUPERVISOR, office, f"1370000{n}002"),
        )
        setattr(
            c,
            f"handler_{x}",
            _person(admin, f"handler_{x}", Role.DEPT_HANDLER, dept, f"1370000{n}003"),
        )
        setattr(
            c,
            f"operator_{x}",
            _person(admin, f"operator_{x}", Role.HOTLINE_OPERATOR, county, f"1370000{n}004"),
        )
    c.city_leader = _person(admin, "city_leader", Role.LEADER, root, "13700009001")
    c.city_supervisor = _person(
        admin, "city_supervisor", Role.SUPERVISOR, city_office, "13700009002"
    )
    c.applicant = services.user_create(
        actor=None,
        username="zhangsan",
        password=None,
        real_name="张三",
        kind=User.Kind.PERSON,
        mobile="13800138000",
        id_number="11010519491231002X",
    )
    return c
