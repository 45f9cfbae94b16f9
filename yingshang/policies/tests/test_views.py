"""Every page of the module answers for the people it is for, shows what they need, and bad
input comes back as a message on the page (never a 500)."""

import datetime as dt

from yingshang.policies import services
from yingshang.policies.models import PolicyItem
from yingshang.policies.services import entitled

from .conftest import firm_account


def test_staff_pages(personas, login, policy, item, today):
    _firm, user = firm_account(1, size="small")
    app = services.application_submit(actor=user, item=item)
    other, _u = firm_account(2, size="micro")
    client = login(personas.handler_a)
    pages = {
        "/staff/policies/": "示范县支持制造业中小企业发展若干措施",
        f"/staff/policies/p/{policy.pk}/": "技术改造奖补",
        f"/staff/policies/items/{item.pk}/": other.name,  # 免申即享 lists the other small firm
        "/staff/policies/reviews/": "政策梳理",
        "/staff/policies/queue/": app.number,
        f"/staff/policies/a/{app.pk}/": "规模（划型）：小型",
        "/staff/policies/delivery/": "政策兑现统计",
        "/staff/policies/new/": "登记政策",
        # ids nobody has (beyond 64 bits) are ignored, never sent to the database
        "/staff/policies/queue/?firm=" + "9" * 30 + "&unit=" + "9" * 25: "政策兑现审核",
        "/staff/policies/reviews/?unit=" + "9" * 30 + "&week=2026-13-45": "政策梳理",
    }
    for url, text in pages.items():
        r = client.get(url)
        assert r.status_code == 200, url
        assert text in r.content.decode(), url
    # another unit's handler cannot open the application (404, not 403)
    assert login(personas.handler_b).get(f"/staff/policies/a/{app.pk}/").status_code == 404


def test_bad_item_rule_is_shown_on_the_page_and_nothing_saved(personas, login, policy, today):
    client = login(personas.handler_a)
    r = client.post(
        f"/staff/policies/p/{policy.pk}/items/new/",
        {
            "code": "C-09",
            "title": "测试",
            "rule": "规模 = 巨型",
            "amount": "100",
            "budget": "1000",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=3)).isoformat(),
            "review_unit": personas.unit_a.pk,
        },
    )
    assert r.status_code == 400
    assert "申报条件第 6 个字符处有误" in r.content.decode()
    assert not PolicyItem.objects.filter(code="C-09").exists()


def _listed(response) -> str:
    """The search results (the page also lists the items open for application)."""
    return response.content.decode().split('data-testid="policy-list"', 1)[1]


def test_portal_pages(client, login, policy, item, today):
    r = client.get("/policies/?q=技术改造")
    assert r.status_code == 200 and policy.title in _listed(r)
    assert policy.title not in _listed(client.get("/policies/?q=完全无关的词语"))
    # a manufacturing policy is not for retail; one naming no industry would be
    assert policy.title not in _listed(client.get("/policies/?tag=industry:F"))
    assert policy.title in _listed(client.get("/policies/?tag=industry:C"))
    r = client.get(f"/policies/{policy.pk}/")
    assert "技改奖补按设备投资额" in r.content.decode()
    _firm, user = firm_account(1, size="large")
    firm_client = login(user)
    r = firm_client.post(f"/policies/items/{item.pk}/apply/", {})
    assert r.status_code == 400
    assert "不符合申报条件：规模 in [小型, 微型]" in r.content.decode()
    assert firm_client.get("/policies/subscribe/").status_code == 200
    assert firm_client.get("/policies/mine/").status_code == 200


def test_proactive_grant_page(personas, login, item):
    firm, _u = firm_account(1, size="micro")
    client = login(personas.handler_a)
    r = client.post(f"/staff/policies/items/{item.pk}/grant/", {"firm": firm.pk})
    assert r.status_code == 302
    assert entitled.matches(item)[1][0].granted or any(m.granted for m in entitled.matches(item)[1])


def test_firm_panel_counts_benefits_applied_and_received(personas, item):
    from yingshang.enterprises.panels import panels_for

    firm, user = firm_account(1, size="small")
    app = services.application_submit(actor=user, item=item)
    app = services.application_approve(actor=personas.handler_a, application=app)
    services.application_pay(actor=personas.handler_a, application=app, voucher="PZ-7")
    panel = next(p for p in panels_for(firm, personas.handler_a) if p.key == "policies")
    assert [(f.label, f.value) for f in panel.facts][:3] == [
        ("申报/享受", "1"),
        ("已拨付", "1"),
        ("拨付金额（元）", "20000.00"),
    ]
    assert panel.rows[0].label.startswith(app.number)
    # another unit's staff see nothing of it; the firm itself sees its own on the portal
    assert all(p.key != "policies" for p in panels_for(firm, personas.handler_b))
    mine = next(p for p in panels_for(firm, user, public=True) if p.key == "policies")
    assert mine.total == 1


def test_county_overview_names_overdue_reviews_by_unit(personas, login, policy):
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from yingshang.policies.models import PolicyReview

    services.reviews_open()
    PolicyReview.objects.update(due_at=timezone.now() - dt.timedelta(hours=2))
    page = login(personas.leader).get(reverse("workbench:overview")).content.decode()
    assert "政策日历与兑现" in page and "逾期未梳理" in page
    assert f"/staff/policies/reviews/?overdue=1&amp;unit={personas.unit_a.pk}" in page
