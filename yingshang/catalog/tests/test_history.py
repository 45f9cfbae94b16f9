"""A matter's 操作记录 reads in Chinese: the version's fields by their labels, codes by names."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_matter_history_names_fields_and_values(login, personas, matter_factory):
    matter = matter_factory()
    html = login(personas.admin).get(reverse("catalog:staff_matter", args=[matter.pk])).text
    timeline = html.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", timeline)
    assert "新增事项" in text
    assert "办件类型：承诺件" in text and "全程网办：是" in text
    assert "主题分类：市场准入" in text and "申请材料：申请表、营业执照" in text
    assert not re.search(r"handling_kind|legal_basis|market_entry|business_licence|True", text)
