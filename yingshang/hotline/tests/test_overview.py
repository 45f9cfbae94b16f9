"""The county overview (workbench.overview) as a leader reads it: headline figures of every
module and the overdue items per unit, each number a link to the records behind it."""

import re

from django.urls import reverse

from yingshang.hotline.models import WorkOrder
from yingshang.hotline.tests.conftest import at


def _overdue_order(clock, dispatched):
    clock(at(23))
    order = dispatched()  # the sign deadline runs from the dispatch
    clock(at(27, 16))  # days later, still unsigned
    return order


def test_the_leader_sees_an_overdue_order_under_its_unit_and_follows_the_link(
    clock, dispatched, personas, login
):
    order = _overdue_order(clock, dispatched)
    page = login(personas.leader).get(reverse("workbench:overview"), {"period": "2026-11"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "全县概览" in html and "2026年11月" in html
    for title in ("政务服务办件", "12345热线", "好差评", "问题台账"):
        assert title in html
    table = html[html.index('data-testid="overdue-by-unit"') :]
    assert personas.unit_a.name in table
    link = re.search(r'href="([^"]*queue=overdue&amp;unit=%d)"' % personas.unit_a.pk, table)
    assert link, table[:2000]
    listing = login(personas.leader).get(link.group(1).replace("&amp;", "&"))
    assert listing.status_code == 200
    assert order.number in listing.content.decode()


def test_nothing_overdue_says_so(clock, personas, login):
    clock(at(23))
    html = login(personas.leader).get(reverse("workbench:overview")).content.decode()
    assert "目前没有逾期事项" in html


def test_the_leader_home_shows_the_headline_figures(clock, dispatched, personas, login):
    _overdue_order(clock, dispatched)
    html = login(personas.leader).get(reverse("workbench:home")).content.decode()
    assert 'data-testid="home-overview"' in html
    assert "12345热线 · 派发工单" in html
    assert reverse("workbench:overview") in html


def test_a_department_head_counts_only_their_unit_and_a_handler_is_refused(
    clock, dispatched, personas, login
):
    clock(at(23))
    other = dispatched()
    WorkOrder.objects.filter(pk=other.pk).update(main_unit=personas.unit_b)
    _overdue_order(clock, dispatched)
    html = login(personas.head_a).get(reverse("workbench:overview")).content.decode()
    table = html[html.index('data-testid="overdue-by-unit"') :]
    assert personas.unit_a.name in table and personas.unit_b.name not in table
    html = login(personas.leader).get(reverse("workbench:overview")).content.decode()
    table = html[html.index('data-testid="overdue-by-unit"') :]
    assert personas.unit_a.name in table and personas.unit_b.name in table
    assert login(personas.handler_a).get(reverse("workbench:overview")).status_code == 403
