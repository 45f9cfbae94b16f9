"""The credit administrator's pages: the dishonest list, a subject's history, commitments and
their outcome, the commitment texts."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from yingshang.audit.models import AuditEvent
from yingshang.cases import services as case_services
from yingshang.cases.tests.conftest import all_files, form_for
from yingshang.credit import selectors, services
from yingshang.credit.models import Commitment, CommitmentText, DishonestListing
from yingshang.errors import DomainError

pytestmark = pytest.mark.django_db

USCC = "91350100M000100Y43"  # the personas' firm


def _add(client, **data):
    payload = {"kind": "firm", "identifier": USCC, "reason": "拖欠农民工工资，经法院判决", **data}
    return client.post(reverse("credit:listing_add"), payload)


def _submit_with_deficit(user, cat):
    return case_services.case_submit(
        actor=user,
        matter=cat.matter,
        form_data=form_for(user),
        files=all_files(skip=("floor_plan",)),
        channel="online",
        deficit_sign=True,
    )


@pytest.mark.parametrize("name", ["handler_a", "head_a", "clerk", "operator", "applicant"])
def test_only_the_credit_administrator_and_leaders_reach_the_pages(personas, login, name):
    client = login(getattr(personas, name))
    listing = services.listing_add(actor=personas.supervisor, subject_of=personas.firm, reason="x")
    for url in (
        reverse("credit:listings"),
        reverse("credit:listing_add"),
        reverse("credit:listing_remove", args=[listing.pk]),
        reverse("credit:subject_history", args=[listing.subject_id]),
        reverse("credit:commitments"),
        reverse("credit:texts"),
    ):
        assert client.get(url).status_code == 403, url
    assert _add(client).status_code == 403
    response = client.post(reverse("credit:listing_remove", args=[listing.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert DishonestListing.objects.get().active


def test_a_leader_reads_the_list_but_may_not_change_it(personas, login):
    listing = services.listing_add(
        actor=personas.supervisor, subject_of=personas.firm, reason="严重失信"
    )
    client = login(personas.leader)
    html = client.get(reverse("credit:listings")).content.decode()
    assert "测试餐饮有限公司" in html and "严重失信" in html
    assert reverse("credit:listing_add") not in html
    assert reverse("credit:listing_remove", args=[listing.pk]) not in html
    assert _add(client).status_code == 403


def test_supervisor_lists_a_firm_by_uscc_and_intake_then_refuses_deficit(personas, login, cat):
    response = _add(login(personas.supervisor))
    listing = DishonestListing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("credit:subject_history", args=[listing.subject_id])
    assert listing.subject.firm == personas.firm and listing.listed_by == personas.supervisor
    event = AuditEvent.objects.get(action="credit.list")
    assert event.actor == personas.supervisor and event.reason == "拖欠农民工工资，经法院判决"
    with pytest.raises(DomainError) as exc:
        _submit_with_deficit(personas.firm_user, cat)
    assert exc.value.code == "CREDIT_DISHONEST"


def test_removing_with_a_reason_allows_deficit_again_and_keeps_the_record(personas, login, cat):
    client = login(personas.supervisor)
    _add(client)
    listing = DishonestListing.objects.get()
    url = reverse("credit:listing_remove", args=[listing.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400 and "请填写移出失信名单的原因" in response.content.decode()
    with pytest.raises(DomainError):
        _submit_with_deficit(personas.firm_user, cat)

    response = client.post(url, {"reason": "已履行判决，信用修复完成"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert not listing.active and listing.delisted_by == personas.supervisor
    assert listing.delist_reason == "已履行判决，信用修复完成" and listing.delisted_at
    case = _submit_with_deficit(personas.firm_user, cat)
    assert case.deficit_open or case.pk
    assert DishonestListing.objects.count() == 1  # removed, never deleted
    # a second removal is refused, the page says so
    html = client.get(url).content.decode()
    assert 'data-testid="already-removed"' in html


def test_reason_is_required_and_nothing_is_listed_without_it(personas, login):
    response = _add(login(personas.supervisor), reason="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写列入失信名单的原因" in html and 'data-code="LISTING_REASON_REQUIRED"' in html
    assert USCC in html  # what was typed stays in the form
    assert not DishonestListing.objects.exists()


@pytest.mark.parametrize(
    "data, code, message",
    [
        ({"identifier": "91350100M000100Y44"}, "USCC_INVALID", "校验位不正确"),
        ({"identifier": "91350100MI00100Y43"}, "USCC_INVALID", "不允许的字符"),
        ({"identifier": "913501007000000000"}, "USCC_INVALID", "校验位"),
        ({"kind": "person", "identifier": "13800000000"}, "CREDIT_SUBJECT_NOT_FOUND", "未找到"),
        ({"kind": "person", "identifier": "110105194912310021"}, "CREDIT_ID_NUMBER_INVALID", ""),
        ({"kind": "person", "identifier": ""}, "CREDIT_SUBJECT_REQUIRED", "请填写"),
        ({"until": "2000-01-01"}, "CREDIT_UNTIL_PAST", "有效期不能早于今天"),
        ({"until": "明年"}, "CREDIT_UNTIL_INVALID", "年-月-日"),
    ],
)
def test_bad_subjects_and_dates_are_explained(personas, login, data, code, message):
    response = _add(login(personas.supervisor), **data)
    html = response.content.decode()
    assert response.status_code in (400, 404)
    assert f'data-code="{code}"' in html and message in html
    assert not DishonestListing.objects.exists()


def test_a_subject_already_on_the_list_is_not_listed_twice(personas, login):
    client = login(personas.supervisor)
    _add(client)
    response = _add(client, reason="另一原因")
    assert response.status_code == 409
    assert 'data-code="CREDIT_LISTING_EXISTS"' in response.content.decode()
    assert DishonestListing.objects.count() == 1


def test_a_person_is_found_by_mobile_and_shown_masked(personas, login):
    client = login(personas.supervisor)
    response = _add(client, kind="person", identifier="13800138000", reason="虚假材料骗取许可")
    assert response.status_code == 302
    assert DishonestListing.objects.get().subject.person == personas.applicant
    html = client.get(reverse("credit:listings")).content.decode()
    assert "张三" in html and "138****8000" in html and "110105********002X" in html
    assert "13800138000" not in html and "11010519491231002X" not in html
    # …or by ID number (an existing listing blocks a second one)
    response = _add(client, kind="person", identifier="11010519491231002x", reason="y")
    assert 'data-code="CREDIT_LISTING_EXISTS"' in response.content.decode()


def test_staff_accounts_have_no_credit_file(personas, login):
    response = _add(login(personas.supervisor), kind="person", identifier="13900000003")
    assert 'data-code="CREDIT_SUBJECT_NOT_FOUND"' in response.content.decode()


def test_the_list_filters_by_name_uscc_and_current_only(personas, login):
    firm_listing = services.listing_add(
        actor=personas.supervisor, subject_of=personas.firm, reason="企业原因"
    )
    services.listing_add(actor=personas.admin, subject_of=personas.outsider, reason="个人原因")
    services.listing_remove(actor=personas.supervisor, listing=firm_listing, reason="修复")
    client = login(personas.supervisor)
    url = reverse("credit:listings")

    def rows(**params):
        html = client.get(url, params).content.decode()
        return html.count('data-testid="listing-row"'), html

    assert rows()[0] == 2
    n, html = rows(q="测试餐饮")
    assert n == 1 and "企业原因" in html and "已移出" in html and "修复" in html
    assert rows(q=USCC)[0] == 1
    n, html = rows(active="1")
    assert n == 1 and "个人原因" in html
    assert rows(q="测试餐饮", active="1")[0] == 0


def test_an_expired_listing_no_longer_blocks_and_is_not_current(personas, login):
    listing = services.listing_add(
        actor=personas.supervisor,
        subject_of=personas.firm,
        reason="有期限",
        until=timezone.localdate(),
    )
    assert selectors.is_dishonest(personas.firm)
    DishonestListing.objects.filter(pk=listing.pk).update(
        until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert not selectors.is_dishonest(personas.firm)
    html = login(personas.supervisor).get(reverse("credit:listings"), {"active": "1"})
    assert 'data-testid="listing-row"' not in html.content.decode()
    # and a new listing of the same firm is possible
    services.listing_add(actor=personas.supervisor, subject_of=personas.firm, reason="再次失信")


def test_the_history_shows_listing_and_removal_with_who_and_why(personas, login):
    listing = services.listing_add(
        actor=personas.supervisor, subject_of=personas.firm, reason="拖欠工程款"
    )
    services.listing_remove(actor=personas.admin, listing=listing, reason="已清偿")
    html = (
        login(personas.supervisor)
        .get(reverse("credit:subject_history", args=[listing.subject_id]))
        .content.decode()
    )
    assert "列入失信名单" in html and "移出失信名单" in html
    assert "拖欠工程款" in html and "已清偿" in html and "管理员" in html
    assert 'data-testid="subject-clear"' in html


def test_certificate_commitment_with_pending_check_is_left_to_the_checking_unit(
    personas, login, cat
):
    case = case_services.case_submit(
        actor=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(skip=("health_cert",)),
        channel="online",
        certificate_keys=["health_cert"],
    )
    case_services.case_accept(actor=personas.clerk, case=case)
    commitment = Commitment.objects.get(case=case)
    client = login(personas.supervisor)
    html = client.get(reverse("credit:commitments")).content.decode()
    assert case.number in html and "待核查" in html and "张三" in html
    url = reverse("credit:commitment_resolve", args=[commitment.pk])
    assert 'data-testid="pending-checks"' in client.get(url).content.decode()
    response = client.post(url, {"status": "false", "note": "经核查伪造"})
    assert response.status_code == 409
    assert 'data-code="COMMITMENT_VERIFICATION_PENDING"' in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).status == "pending"


def test_resolving_a_commitment_false_needs_a_reason_and_then_blocks_the_subject(personas, login):
    text = services.ensure_texts()[CommitmentText.Kind.CERTIFICATE]
    with transaction.atomic():
        commitment = services.commitment_sign(
            actor=personas.applicant,
            subject_of=personas.applicant,
            kind="certificate",
            text=text,
            items=["无犯罪记录证明"],
        )
    client = login(personas.supervisor)
    url = reverse("credit:commitment_resolve", args=[commitment.pk])
    response = client.post(url, {"status": "false", "note": ""})
    assert response.status_code == 400
    assert "认定未履行或虚假承诺时请写明依据" in response.content.decode()
    response = client.post(url, {"status": "broken", "note": "x"})  # not for 告知承诺
    assert 'data-code="COMMITMENT_STATUS_INVALID"' in response.content.decode()
    assert client.post(url, {"status": "false", "note": "公安核查无此证明"}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "false" and commitment.note == "公安核查无此证明"
    assert selectors.is_dishonest(personas.applicant)
    event = AuditEvent.objects.get(action="credit.commitment_false")
    assert event.actor == personas.supervisor and event.reason == "公安核查无此证明"
    html = client.get(url).content.decode()
    assert 'data-testid="resolved"' in html
    html = client.get(reverse("credit:commitments"), {"status": "false"}).content.decode()
    assert html.count('data-testid="commitment-row"') == 1 and "虚假承诺" in html
    # a dept handler cannot open the resolve page
    assert login(personas.handler_a).get(url).status_code == 403


def test_publishing_a_commitment_text_makes_a_new_version(personas, login):
    services.ensure_texts()
    client = login(personas.supervisor)
    url = reverse("credit:texts")
    response = client.post(url, {"kind": "deficit", "body": "  "})
    assert response.status_code == 400 and "请填写承诺书正文" in response.content.decode()
    response = client.post(url, {"kind": "deficit", "body": "新的容缺受理承诺书正文"})
    assert response.status_code == 302
    current = selectors.current_text("deficit")
    assert current.version == 2 and current.body == "新的容缺受理承诺书正文"
    assert CommitmentText.objects.filter(kind="deficit").count() == 2
    assert AuditEvent.objects.filter(action="credit.text_publish").count() == 1
    html = client.get(url).content.decode()
    assert "第2版" in html and "第1版" in html
    response = client.post(url, {"kind": "deficit", "body": "新的容缺受理承诺书正文"})
    assert 'data-code="CREDIT_TEXT_UNCHANGED"' in response.content.decode()
    # a leader reads the texts but may not publish
    leader = login(personas.leader)
    assert "新的容缺受理承诺书正文" in leader.get(url).content.decode()
    assert leader.post(url, {"kind": "deficit", "body": "领导改的"}).status_code == 403
    assert selectors.current_text("deficit").version == 2


def test_menu_shows_the_credit_pages_to_the_supervisor_only(personas, login):
    assert reverse("credit:listings") in login(personas.supervisor).get("/staff/").content.decode()
    assert (
        reverse("credit:listings") not in login(personas.handler_a).get("/staff/").content.decode()
    )


def test_a_person_is_found_by_a_spaced_mobile_and_searched_by_a_full_width_id(personas, login):
    # issue 17: identifiers are matched on their normalised form, however they are typed
    client = login(personas.supervisor)
    response = _add(client, kind="person", identifier="138 0013 8000", reason="虚假材料骗取许可")
    assert response.status_code == 302
    assert DishonestListing.objects.get().subject.person == personas.applicant
    url = reverse("credit:listings")
    html = client.get(url, {"q": "１１０１０５１９４９１２３１００２ｘ"}).content.decode()
    assert "138****8000" in html
    html = client.get(url, {"q": "9111 0108 5513 8508 2Q"}).content.decode()
    assert "138****8000" not in html
