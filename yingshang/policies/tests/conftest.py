import datetime as dt
from decimal import Decimal

import pytest

from yingshang.enterprises.models import Firm
from yingshang.policies import services
from yingshang.policies.fixed_tags import ensure_tags
from yingshang.testing.personas import valid_uscc
from yingshang.workcal import periods


@pytest.fixture(autouse=True)
def _tags_and_media(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if {"db", "transactional_db", "live_server", "personas"} & set(request.fixturenames):
        ensure_tags()  # a transactional test's flush removes the migration's rows


def make_firm(n: int, **fields) -> Firm:
    body = f"91139999MA{n:07d}"
    return Firm.objects.create(uscc=valid_uscc(body), name=fields.pop("name", f"企业{n}"), **fields)


@pytest.fixture
def today():
    return periods.today()


@pytest.fixture
def policy(personas, today):
    """A published county policy owned by unit A (市场监管局), for small manufacturers."""
    p = services.policy_create(
        actor=personas.supervisor,
        owner_unit=personas.unit_a.pk,
        tags=["industry:C", "size:small", "topic:funding"],
        title="示范县支持制造业中小企业发展若干措施",
        issuer="示范县人民政府",
        document_number="示政〔2026〕8号",
        issued_on=today - dt.timedelta(days=30),
        effective_on=today - dt.timedelta(days=30),
        summary="对县内制造业中小企业技术改造、贷款贴息给予奖补。",
        interpretation="技改奖补按设备投资额的10%计算，单户最高50万元。",
    )
    return services.policy_publish(actor=personas.supervisor, policy=p)


def add_item(personas, policy, today, **overrides):
    fields = {
        "code": "C-01",
        "title": "技术改造奖补",
        "budget": "100000",
        "amount": "20000",
        "opens_on": today - dt.timedelta(days=5),
        "closes_on": today + dt.timedelta(days=10),
        "review_unit": personas.unit_a.pk,
        "rule": "规模 in [小型, 微型] 且 非 失信",
        "materials": [],
    }
    fields.update(overrides)
    return services.item_create(actor=personas.handler_a, policy=policy, **fields)


@pytest.fixture
def item(personas, policy, today):
    return add_item(personas, policy, today)


D = Decimal


def firm_account(n: int, **fields):
    """A firm and its account (the portal user who applies)."""
    from yingshang.org.models import User

    firm = make_firm(n, **fields)
    user = User.objects.create_user(
        f"firm{n}",
        password="Test2026password",
        kind=User.Kind.FIRM,
        firm=firm,
        real_name=firm.name,
        mobile=f"1370000{n:04d}",
    )
    return firm, user
