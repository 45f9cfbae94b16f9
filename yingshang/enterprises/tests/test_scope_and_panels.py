"""Who sees which firm, and what its page shows from each module, in the viewer's scope."""

import pytest

from yingshang.enterprises import panels, selectors
from yingshang.enterprises.models import Firm
from yingshang.hotline import services as hotline
from yingshang.org import scope


def _panel(firm, user, key, **kw):
    return next((p for p in panels.panels_for(firm, user, **kw) if p.key == key), None)


def test_the_modules_register_their_panels_in_order():
    keys = [p.key for p in panels.discover()]
    assert keys[:4] == ["cases", "hotline", "ratings", "credit"]


@pytest.mark.parametrize("who", ["supervisor", "leader", "admin", "handler_a"])
def test_staff_who_see_one_of_its_cases_see_the_firm(personas, firm_case, who):
    assert scope.visible_to(personas.by_role(who), Firm).filter(pk=personas.firm.pk).exists()


@pytest.mark.parametrize("who", ["handler_b", "applicant", "outsider"])
def test_others_do_not_see_the_firm(personas, firm_case, who):
    assert not scope.visible_to(personas.by_role(who), Firm).filter(pk=personas.firm.pk).exists()


def test_a_unit_handling_a_work_order_about_the_firm_sees_it(personas):
    order = hotline.workorder_register(
        actor=personas.operator,
        content="企业反映办证难，请协调",
        category="help",
        caller_name="李四",
        caller_phone="13812345678",
        firm=personas.firm,
    )
    assert not scope.visible_to(personas.handler_b, Firm).exists()
    hotline.workorder_dispatch(actor=personas.operator, order=order, main_unit=personas.unit_b)
    assert scope.visible_to(personas.handler_b, Firm).get() == personas.firm
    panel = _panel(personas.firm, personas.handler_b, "hotline")
    assert panel.total == 1 and panel.rows[0].label == order.number
    assert panel.more_url.endswith(f"?firm={personas.firm.pk}")


def test_the_cases_panel_counts_from_scope(personas, firm_case):
    assert _panel(personas.firm, personas.supervisor, "cases").total == 1
    assert _panel(personas.firm, personas.handler_b, "cases").total == 0
    mine = _panel(personas.firm, personas.firm_user, "cases", public=True)
    assert mine.total == 1 and mine.rows[0].url == f"/cases/mine/{firm_case.number}/"


def test_the_public_hotline_panel_never_shows_orders_about_the_firm_by_others(personas):
    hotline.workorder_register(
        actor=personas.operator,
        content="投诉该企业油烟扰民",
        category="complaint",
        caller_name="王五",
        caller_phone="13812340000",
        firm=personas.firm,
    )
    assert _panel(personas.firm, personas.supervisor, "hotline").total == 1
    assert _panel(personas.firm, personas.firm_user, "hotline", public=True).total == 0


def test_the_credit_panel_shows_an_active_listing_as_an_alert(personas):
    from yingshang.credit import services as credit

    credit.listing_add(actor=personas.supervisor, subject_of=personas.firm, reason="拒不履行判决")
    panel = _panel(personas.firm, personas.supervisor, "credit")
    assert any(f.alert and f.value == "1" for f in panel.facts)
    assert "拒不履行判决" in panel.rows[0].label
    assert _panel(personas.firm, personas.firm_user, "credit", public=True).total == 1


def test_the_list_finds_a_firm_by_part_of_its_name_or_its_code_typed_loosely(personas):
    sup = personas.supervisor
    assert list(selectors.firms_for(sup, q="餐饮")) == [personas.firm]
    typed = " ".join([personas.firm.uscc[:6].lower(), personas.firm.uscc[6:]])
    assert list(selectors.firms_for(sup, q=typed)) == [personas.firm]
    assert not selectors.firms_for(sup, q="不存在的公司").exists()


def test_the_staff_page_shows_the_profile_and_the_panels(personas, firm_case, login):
    response = login(personas.handler_a).get(f"/staff/firms/{personas.firm.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "测试餐饮有限公司" in html and firm_case.number in html
    assert 'data-testid="panel-hotline"' in html
    # out of scope: the same answer as a missing firm
    assert login(personas.handler_b).get(f"/staff/firms/{personas.firm.pk}/").status_code == 404
    assert login(personas.applicant).get(f"/staff/firms/{personas.firm.pk}/").status_code == 403


def test_the_portal_page_shows_the_firm_its_own_records(personas, firm_case, login):
    html = login(personas.firm_user).get("/firm/").content.decode()
    assert firm_case.number in html and "经办人管理" in html
    html = login(personas.applicant).get("/firm/").content.decode()
    assert "企业档案仅供企业账号查看" in html


def test_the_hotline_list_link_of_the_panel_lists_only_the_firms_orders(personas, login):
    about = hotline.workorder_register(
        actor=personas.operator,
        content="企业反映用电报装慢",
        category="help",
        caller_name="李四",
        caller_phone="13812345678",
        firm=personas.firm,
    )
    other = hotline.workorder_register(
        actor=personas.operator,
        content="小区门口路灯不亮已一周",
        category="complaint",
        caller_name="王五",
        caller_phone="13812340000",
    )
    html = login(personas.supervisor).get(f"/staff/hotline/orders/?firm={personas.firm.pk}")
    html = html.content.decode()
    assert about.number in html and other.number not in html


def test_the_first_look_at_an_older_account_is_recorded_and_audited(personas):
    from yingshang.audit.models import AuditEvent
    from yingshang.enterprises import accounts

    accounts.membership(personas.firm_user)
    accounts.membership(personas.firm_user)
    assert AuditEvent.objects.filter(action="firm.account_recorded").count() == 1
