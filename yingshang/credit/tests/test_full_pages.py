"""The staff and portal pages of the full credit file: each renders for its readers, forms
keep what was typed and say what is wrong in Chinese, writes go through the services."""

import datetime as dt

import pytest
from django.urls import reverse

from yingshang.credit import records, repair
from yingshang.credit.models import Penalty, Praise, PublicityRule, SanctionRule
from yingshang.credit.tests.helpers import materials

pytestmark = pytest.mark.django_db


def _penalty(personas, number="市监罚〔2026〕7号", decided_on=dt.date(2026, 1, 5)):
    return records.penalty_record(
        actor=personas.supervisor,
        subject_of=personas.firm,
        unit=personas.unit_a,
        decision_number=number,
        decided_on=decided_on,
        types=["fine"],
        legal_basis="《食品安全法》",
    )


def test_a_department_records_a_penalty_on_the_page_and_bad_input_is_kept(personas, login):
    client = login(personas.handler_a)
    url = reverse("credit:penalty_new")
    assert client.get(url).status_code == 200
    form = {
        "kind": "firm",
        "identifier": "91350100M000100Y43",
        "unit": str(personas.unit_a.pk),
        "decision_number": "市监罚〔2026〕12号",
        "decided_on": "2026-03-01",
        "types": ["fine", "fire"],
        "severity": "general",
        "legal_basis": "",
    }
    html = client.post(url, form).content.decode()
    assert "请填写处罚依据" in html and "市监罚〔2026〕12号" in html
    assert not Penalty.objects.exists()
    form["legal_basis"] = "《消防法》第六十条"
    response = client.post(url, form)
    penalty = Penalty.objects.get()
    assert response.status_code == 302
    assert penalty.repair_from == dt.date(2027, 3, 1)  # fire: one year
    assert penalty.public_until == dt.date(2029, 3, 1)
    detail = client.get(reverse("credit:penalty", args=[penalty.pk])).content.decode()
    assert "录入行政处罚" in detail and "2027-03-01" in detail
    # another department may not record for unit_a
    form["decision_number"] = "住建罚〔2026〕1号"
    html = login(personas.handler_b).post(url, form).content.decode()
    assert "请选择处罚/认定机关" in html


def test_staff_pages_render_for_the_supervisor(personas, login):
    penalty = _penalty(personas)
    records.praise_add(
        actor=personas.supervisor,
        subject_of=personas.firm,
        unit=personas.unit_a,
        kind=Praise.Kind.RED_LIST,
        title="守合同重信用企业",
        decided_on=dt.date(2026, 6, 1),
    )
    app = repair.repair_apply(
        actor=personas.firm_user, record=penalty, statement="已缴纳罚款", files=materials()
    )
    client = login(personas.supervisor)
    for name, args in [
        ("credit:penalties", []),
        ("credit:penalty", [penalty.pk]),
        ("credit:praises", []),
        ("credit:praise_new", []),
        ("credit:repairs", []),
        ("credit:repair", [app.pk]),
        ("credit:rules", []),
        ("credit:listing_notice", []),
        ("credit:subject", [penalty.subject_id]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    queue = client.get(reverse("credit:repairs")).content.decode()
    assert app.number in queue
    m = app.materials.first()
    assert client.get(reverse("credit:material", args=[m.pk])).status_code == 200
    assert login(personas.outsider).get(reverse("credit:material", args=[m.pk])).status_code == 404


def test_the_rules_page_changes_a_period_and_a_sanction_with_their_basis(personas, login):
    client = login(personas.supervisor)
    rule = PublicityRule.objects.get(code="fine")
    html = client.post(
        reverse("credit:rules"),
        {
            "table": "publicity",
            "pk": rule.pk,
            "min_months": "6",
            "max_months": "2",
            "legal_basis": "x",
            "active": "on",
        },
    ).content.decode()
    assert "1 ≤ 最短 ≤ 最长" in html
    client.post(
        reverse("credit:rules"),
        {
            "table": "publicity",
            "pk": rule.pk,
            "min_months": "6",
            "max_months": "24",
            "legal_basis": "县规定",
            "active": "on",
        },
    )
    rule.refresh_from_db()
    assert (rule.min_months, rule.max_months) == (6, 24)
    client.post(
        reverse("credit:rules"),
        {"table": "sanction", "record_kind": "penalty", "benefit": "award", "legal_basis": "试点"},
    )
    assert not SanctionRule.objects.get(record_kind="penalty", benefit="award").active
    # a leader reads, cannot change
    html = login(personas.leader).get(reverse("credit:rules")).content.decode()
    assert 'name="min_months"' not in html


def test_the_public_page_searches_by_name_and_uscc_and_pages_by_keyset(personas, client):
    for i in range(23):
        _penalty(
            personas,
            number=f"市监罚〔2026〕{i + 1}号",
            decided_on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
        )
    url = reverse("credit:public")
    first = client.get(url).content.decode()
    assert first.count('data-testid="public-row"') == 20
    assert "市监罚〔2026〕23号" in first and "市监罚〔2026〕3号<" not in first
    after = first.split('data-testid="next-page" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(url + after).content.decode()
    assert second.count('data-testid="public-row"') == 3 and "市监罚〔2026〕1号" in second
    assert (
        client.get(url, {"q": "91350100m000100y43"})
        .content.decode()
        .count('data-testid="public-row"')
        == 20
    )
    assert 'data-testid="public-empty"' in client.get(url, {"q": "没有这家"}).content.decode()
    assert client.get(url, {"after": "garbage", "tab": "listings"}).status_code == 200


def test_the_firm_sees_its_records_and_an_early_application_is_refused_with_the_date(
    personas, login
):
    penalty = _penalty(personas, number="市监罚〔2026〕99号", decided_on=dt.date(2026, 11, 20))
    client = login(personas.firm_user)
    html = client.get(reverse("credit:mine")).content.decode()
    assert "市监罚〔2026〕99号" in html and "申请信用修复" in html
    url = reverse("credit:repair_apply", args=["penalty", penalty.pk])
    files = materials()
    html = client.post(
        url,
        {
            "statement": "已缴纳罚款",
            "material_form": files["form"][0],
            "material_pledge": files["pledge"][0],
            "material_proof": files["proof"][0],
        },
    ).content.decode()
    assert "2027年2月20日起方可申请信用修复" in html
    # someone else's record is not found
    assert login(personas.applicant).get(url).status_code == 404
