import pytest

from yingshang.apiaccess import services as token_services
from yingshang.apiaccess.models import ApiToken
from yingshang.hotline.models import Topic
from yingshang.org.roles import Role

EXTRA = [
    {
        "code": "place",
        "datatype": "singlevaluelist",
        "description": "场所类型",
        "required": True,
        "values": [{"key": "restaurant", "name": "餐馆"}, {"key": "market", "name": "农贸市场"}],
    },
    {
        "code": "issues",
        "datatype": "multivaluelist",
        "description": "问题类型",
        "required": False,
        "values": [
            {"key": "dirty", "name": "卫生差"},
            {"key": "expired", "name": "过期食品"},
            {"key": "nolicense", "name": "无证经营"},
        ],
    },
    {"code": "people", "datatype": "number", "description": "就餐人数", "required": False},
    {"code": "when", "datatype": "datetime", "description": "发生时间", "required": False},
]


@pytest.fixture
def topics(personas):
    parent = Topic.objects.create(code="scjg", name="市场监管", default_unit=personas.unit_a)
    food = Topic.objects.create(
        code="food-safety",
        name="食品安全",
        parent=parent,
        default_unit=personas.unit_a,
        description="餐饮、食品销售中的安全问题",
        keywords="食品,餐饮，卫生",
        extra_fields=EXTRA,
    )
    noise = Topic.objects.create(
        code="noise", name="噪音扰民", default_unit=personas.unit_b, keywords="噪音"
    )
    Topic.objects.create(code="retired", name="已停用分类", is_active=False)
    return {"parent": parent, "food": food, "noise": noise}


@pytest.fixture
def api_key(personas):
    _token, secret = token_services.token_create(
        actor=personas.admin,
        name="城市APP",
        kind=ApiToken.Kind.INTEGRATION,
        unit=personas.hotline_centre,
        role=Role.HOTLINE_OPERATOR,
    )
    return secret
