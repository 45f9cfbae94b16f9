"""CappedPaginator: a list longer than the cap counts only up to it and says so in the pager."""

import pytest
from django.template.loader import render_to_string

from yingshang.org.models import Unit
from yingshang.paging import CappedPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(personas):
    return Unit.objects.order_by("pk")


def test_a_long_list_counts_up_to_the_cap_and_pages_through_it(units, monkeypatch):
    total = units.count()
    assert total >= 6
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    paginator = CappedPaginator(units, 2)
    assert paginator.count == 5  # cap + 1: "more than 4"
    assert paginator.capped
    assert paginator.num_pages == 3
    last = paginator.get_page(99)
    assert list(last.object_list) == list(units[4:5])
    html = render_to_string("workbench/_pager.html", {"page": paginator.get_page(1)})
    assert "1 / 3+" in html
    assert "超过 4 条" in html


def test_a_short_list_counts_exactly(units):
    paginator = CappedPaginator(units, 2)
    assert paginator.count == units.count()
    assert not paginator.capped
    html = render_to_string("workbench/_pager.html", {"page": paginator.get_page(1)})
    assert f"1 / {paginator.num_pages}<" in html
