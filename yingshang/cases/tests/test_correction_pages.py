"""A case with a 补正 request: its audit event records a field called "items", which a template
reading `changes.items` took for the dict's method (500 on the staff page and the audit search)."""

import pytest
from django.urls import reverse

from yingshang.cases import services
from yingshang.cases.tests.conftest import all_files, form_for

pytestmark = pytest.mark.django_db


def _case_with_correction(personas, cat):
    case = services.case_submit(
        actor=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(),
        channel="online",
    )
    services.case_request_correction(
        actor=personas.clerk, case=case, items=["身份证明模糊", "申请书未签字"]
    )
    return case


def test_staff_case_page_shows_a_correction_request_and_its_items(personas, cat, login):
    case = _case_with_correction(personas, cat)
    response = login(personas.clerk).get(reverse("cases:staff_case", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "身份证明模糊" in html and "申请书未签字" in html


def test_audit_search_lists_the_correction_request(personas, cat, login):
    _case_with_correction(personas, cat)
    response = login(personas.supervisor).get(
        reverse("workbench:audit_search") + "?action=case.request_correction"
    )
    assert response.status_code == 200
    assert "身份证明模糊" in response.content.decode()
