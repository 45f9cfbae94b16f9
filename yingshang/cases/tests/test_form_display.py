"""Case pages show the application form with the form's labels, not its keys."""

import re

import pytest
from django.urls import reverse

from yingshang.cases import services
from yingshang.cases.models import Case
from yingshang.cases.tests.conftest import all_files, form_for
from yingshang.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _form_table(html: str) -> str:
    table = html.split('data-testid="form-data"', 1)[1].split("</table>", 1)[0]
    return re.sub(r"<[^>]+>", " ", table)


def test_staff_page_shows_labels_and_masks_the_phone(login, personas, cat):
    case = CaseFactory(personas=personas, matter=cat.matter)
    html = login(personas.clerk).get(reverse("cases:staff_case", args=[case.pk])).content.decode()
    table = _form_table(html)
    assert "申请人姓名" in table and "联系电话" in table and "门店名称" in table
    assert "老街小馆" in table
    assert "applicant." not in table and "shop.name" not in table
    assert "13800138000" not in table  # masked like the contact phone above it


def test_applicant_page_shows_the_form_with_labels(login, personas, cat):
    case = CaseFactory(personas=personas, matter=cat.matter)
    html = login(personas.applicant).get(reverse("cases:my_case", args=[case.number])).text
    table = _form_table(html)
    assert "门店名称" in table and "老街小馆" in table and "shop.name" not in table


def test_package_case_uses_the_labels_of_its_member_forms(login, personas, cat):
    case = services.case_submit(
        actor=personas.applicant,
        package=cat.package,
        form_data=form_for(personas.applicant, **{"shop.area": "50"}),
        files=all_files(),
        channel="online",
    )
    html = login(personas.clerk).get(reverse("cases:staff_case", args=[case.pk])).text
    table = _form_table(html)
    assert "经营场所面积" in table and "50" in table and "shop.area" not in table


def test_stored_shapes_read_in_chinese(login, personas, cat):
    case = CaseFactory(personas=personas, matter=cat.matter)
    # older submissions: nested keys, yes/no, lists, dates
    Case.objects.filter(pk=case.pk).update(
        form_data={
            "applicant": {"name": "张三", "mobile": "13800138000"},
            "shop": {"name": "老街小馆", "open_on": "2026-12-06"},
            "shop.chain": False,
            "shop.kinds": ["热食", "冷食"],
        }
    )
    html = login(personas.applicant).get(reverse("cases:my_case", args=[case.number])).text
    table = _form_table(html)
    assert "申请人姓名" in table and "张三" in table and "门店名称" in table
    assert "2026年12月6日" in table and "否" in table and "热食、冷食" in table
    assert "False" not in table and "[" not in table and "applicant.name" not in table
