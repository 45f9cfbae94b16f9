"""Firm profiles: create, edit, 注销/合并 through the services, validated and audited."""

import datetime as dt

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.enterprises import industries, services
from yingshang.enterprises.models import Firm
from yingshang.enterprises.tests.conftest import uscc, wrong_check
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError


def test_a_supervisor_registers_a_firm_with_its_code_typed_full_width(personas):
    typed = "９１" + uscc(1)[2:].lower()  # 全角 digits and lower case
    firm = services.firm_create(
        actor=personas.supervisor,
        uscc=typed,
        name=" 颍上县示例机械有限公司 ",
        industry_code="c34",
        size="small",
        declared_size="medium",
        established_on=dt.date(2015, 3, 8),
    )
    assert firm.uscc == uscc(1)
    assert firm.name == "颍上县示例机械有限公司"
    assert firm.industry_code == "C34"
    assert firm.industry_section == "制造业"
    event = AuditEvent.objects.get(action="firm.create", object_id=str(firm.pk))
    assert event.actor_id == personas.supervisor.pk


@pytest.mark.parametrize(
    "code, reason",
    [
        ("91341200", "uscc_length"),
        (wrong_check(uscc(2)), "uscc_check"),
        ("91" + "I" * 16, "uscc_chars"),
    ],
)
def test_a_wrong_code_is_refused_with_its_reason_and_nothing_is_stored(personas, code, reason):
    with pytest.raises(InvalidInput) as exc:
        services.firm_create(actor=personas.supervisor, uscc=code, name="某公司")
    assert exc.value.code == "USCC_INVALID"
    assert exc.value.details["reason"] == reason
    assert "统一社会信用代码" in exc.value.message
    assert not Firm.objects.filter(name="某公司").exists()


def test_the_same_code_twice_is_refused_naming_the_registered_firm(personas):
    with pytest.raises(DomainError) as exc:
        services.firm_create(actor=personas.admin, uscc=personas.firm.uscc, name="另一家")
    assert exc.value.code == "FIRM_EXISTS"
    assert "测试餐饮有限公司" in exc.value.message


@pytest.mark.parametrize(
    "code, ok", [("C", True), ("C13", True), ("F5211", True), ("Z12", False), ("C1", False)]
)
def test_industry_codes_are_checked_by_their_section_letter_and_form(code, ok):
    if ok:
        assert industries.clean_industry_code(code) == code
    else:
        with pytest.raises(Exception) as exc:
            industries.clean_industry_code(code)
        assert "行业代码" in str(exc.value)


def test_an_unknown_industry_section_is_refused_with_its_code(personas):
    with pytest.raises(InvalidInput) as exc:
        services.firm_update(actor=personas.supervisor, firm=personas.firm, industry_code="W01")
    assert exc.value.code == "FIRM_INDUSTRY_INVALID"
    assert "A 至 T" in exc.value.message
    personas.firm.refresh_from_db()
    assert personas.firm.industry_code == ""


def test_the_table_has_the_twenty_sections_a_to_t():
    assert "".join(industries.SECTIONS) == "ABCDEFGHIJKLMNOPQRST"


def test_an_edit_records_only_what_changed_with_before_and_after(personas):
    services.firm_update(
        actor=personas.supervisor,
        firm=personas.firm,
        reason="年报更新",
        legal_representative="赵小龙",  # unchanged
        address="城关镇人民路1号",
    )
    event = AuditEvent.objects.get(action="firm.update")
    assert event.reason == "年报更新"
    assert set(event.changes) == {"address"}


def test_the_firm_page_shows_the_change_in_chinese_with_its_reason(personas, login):
    services.firm_update(
        actor=personas.supervisor, firm=personas.firm, reason="年报更新", address="人民路1号"
    )
    html = login(personas.supervisor).get(f"/staff/firms/{personas.firm.pk}/").content.decode()
    assert "修改企业信息：年报更新" in html


@pytest.mark.parametrize("who", ["handler_a", "clerk", "operator", "leader", "firm_user"])
def test_only_the_business_office_and_admins_edit_firms(personas, who):
    with pytest.raises(PermissionDeniedError):
        services.firm_update(actor=personas.by_role(who), firm=personas.firm, address="x")


def test_a_firm_is_merged_with_a_reason_and_never_deleted(personas):
    target = services.firm_create(actor=personas.supervisor, uscc=uscc(3), name="合并后公司")
    with pytest.raises(InvalidInput) as exc:
        services.firm_set_status(
            actor=personas.supervisor, firm=personas.firm, status="merged", reason=""
        )
    assert exc.value.code == "REASON_REQUIRED"
    services.firm_set_status(
        actor=personas.supervisor,
        firm=personas.firm,
        status="merged",
        reason="吸收合并",
        merged_into=target,
    )
    personas.firm.refresh_from_db()
    assert personas.firm.status == "merged" and personas.firm.merged_into == target
    assert AuditEvent.objects.filter(action="firm.status", reason="吸收合并").exists()
    with pytest.raises(InvalidInput) as exc:
        services.firm_set_status(
            actor=personas.supervisor,
            firm=target,
            status="merged",
            reason="x",
            merged_into=target,
        )
    assert exc.value.code == "FIRM_MERGE_TARGET_INVALID"
