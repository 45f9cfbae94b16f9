"""The demo county's firm register loads through the services, once, and the demo firm account
is its firm's legal representative with one authorised agent."""

import pytest

from yingshang.demo.loaders import enterprises, org
from yingshang.demo.registry import DemoContext, load_yaml
from yingshang.enterprises import accounts, industries
from yingshang.enterprises.models import Firm, FirmAccount
from yingshang.org.models import User


def test_the_demo_firms_span_the_sections_and_sizes():
    firms = load_yaml("enterprises", "firms.yaml")["firms"]
    assert len(firms) >= 30
    assert {f["industry_code"][0] for f in firms} <= set(industries.SECTIONS)
    assert len({f["industry_code"][0] for f in firms}) >= 15
    assert {f["size"] for f in firms} == {"large", "medium", "small", "micro"}
    assert len({f["uscc"] for f in firms}) == len(firms)


@pytest.mark.django_db
def test_the_demo_register_loads_once_and_links_the_demo_firm_account():
    ctx = DemoContext()
    for _run in range(2):
        org.load_demo(ctx)
        enterprises.load_demo(ctx)
    expected = len(load_yaml("enterprises", "firms.yaml")["firms"]) + 1  # + the demo account's
    assert Firm.objects.count() == expected
    rep = User.objects.get(username="firm_demo")
    assert accounts.is_legal_rep(rep)
    assert rep.firm.industry_code == "H62" and rep.firm.declared_size == "small"
    agent = FirmAccount.objects.get(role="agent")
    assert agent.firm == rep.firm and agent.authorised_by == rep and agent.user.is_active
