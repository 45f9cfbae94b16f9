"""变更法定代表人: the 营商办 hands the legal representative's account role to another account of
the firm, or opens one for a new representative the old one can no longer authorise. The new
representative then authorises and revokes agents; the old one cannot."""

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.enterprises import accounts
from yingshang.enterprises.models import Firm, FirmAccount
from yingshang.enterprises.tests.conftest import uscc
from yingshang.errors import DomainError, PermissionDeniedError
from yingshang.org.models import User
from yingshang.testing.personas import PASSWORD


@pytest.fixture
def agent(personas):
    return accounts.agent_authorise(
        actor=personas.firm_user, real_name="钱新任", mobile="13911112222", password=PASSWORD
    )


def test_an_agent_becomes_the_legal_rep_and_the_old_rep_stays_an_agent(personas, agent):
    accounts.legal_rep_transfer(
        actor=personas.supervisor, firm=personas.firm, account=agent, reason="法定代表人已变更"
    )
    assert accounts.is_legal_rep(agent.user)
    old = accounts.membership(personas.firm_user)
    assert old.role == FirmAccount.Role.AGENT and old.active
    assert Firm.objects.get(pk=personas.firm.pk).legal_representative == "钱新任"
    # the new representative now authorises; the old one may not
    accounts.agent_authorise(
        actor=agent.user, real_name="孙经办", mobile="13911113333", password=PASSWORD
    )
    with pytest.raises(PermissionDeniedError):
        accounts.agent_authorise(
            actor=personas.firm_user, real_name="李", mobile="13911114444", password=PASSWORD
        )
    event = AuditEvent.objects.get(action="firm.legal_rep_transfer")
    assert event.reason == "法定代表人已变更" and event.actor_id == personas.supervisor.pk
    assert event.object_id == str(personas.firm.pk)


def test_the_old_rep_can_be_revoked_in_the_same_step(personas, agent):
    accounts.legal_rep_transfer(
        actor=personas.supervisor,
        firm=personas.firm,
        account=agent,
        reason="原法定代表人已离任",
        revoke_previous=True,
    )
    old = FirmAccount.objects.get(user=personas.firm_user)
    assert old.revoked_at is not None and old.revoke_reason == "原法定代表人已离任"
    assert not User.objects.get(pk=personas.firm_user.pk).is_active


def test_a_new_account_for_a_representative_who_had_none(personas):
    account = accounts.legal_rep_register(
        actor=personas.supervisor,
        firm=personas.firm,
        real_name="周新任",
        mobile="13911115555",
        password=PASSWORD,
        reason="变更登记",
    )
    assert account.role == FirmAccount.Role.LEGAL_REP and account.user.firm_id == personas.firm.pk
    assert account.user.check_password(PASSWORD)
    assert (
        FirmAccount.objects.filter(
            firm=personas.firm, role="legal_rep", revoked_at__isnull=True
        ).count()
        == 1
    )


def test_refusals_change_nothing(personas, agent):
    with pytest.raises(PermissionDeniedError) as exc:  # the firm cannot hand its own role on
        accounts.legal_rep_transfer(
            actor=personas.firm_user, firm=personas.firm, account=agent, reason="x"
        )
    assert exc.value.code == "FIRM_FORBIDDEN"
    with pytest.raises(DomainError) as exc:
        accounts.legal_rep_transfer(
            actor=personas.supervisor, firm=personas.firm, account=agent, reason=" "
        )
    assert exc.value.code == "REASON_REQUIRED"
    rep = accounts.membership(personas.firm_user)
    with pytest.raises(DomainError) as exc:
        accounts.legal_rep_transfer(
            actor=personas.supervisor, firm=personas.firm, account=rep, reason="x"
        )
    assert exc.value.code == "FIRM_ACCOUNT_ALREADY_LEGAL_REP"
    other = Firm.objects.create(uscc=uscc(2), name="他企")
    with pytest.raises(DomainError) as exc:  # an account of another firm
        accounts.legal_rep_transfer(
            actor=personas.supervisor, firm=other, account=agent, reason="x"
        )
    assert exc.value.code == "FIRM_ACCOUNT_NOT_FOUND"
    with pytest.raises(DomainError):  # no account is made without a reason
        accounts.legal_rep_register(
            actor=personas.supervisor,
            firm=personas.firm,
            real_name="周",
            mobile="13911116666",
            password=PASSWORD,
            reason="",
        )
    assert not User.objects.filter(mobile="13911116666").exists()
    assert accounts.is_legal_rep(personas.firm_user)
    assert not AuditEvent.objects.filter(action="firm.legal_rep_transfer").exists()


def test_the_staff_page_and_the_api(personas, agent, login, api_client):
    client = login(personas.supervisor)
    page = client.get(f"/staff/firms/{personas.firm.pk}/")
    assert "变更法定代表人账号" in page.content.decode()
    url = f"/staff/firms/{personas.firm.pk}/legal-rep/"
    form = client.get(url)
    assert "钱新任（经办人）" in form.content.decode()
    missing = client.post(url, {"reason": "变更"})  # neither an account nor a new one
    assert missing.status_code == 400
    assert "选择已有账号，或填写新账号的姓名、手机号码和初始密码" in missing.content.decode()
    done = client.post(url, {"account": agent.pk, "reason": "变更登记"}, follow=True)
    assert "已将钱新任的账号设为法定代表人账号" in done.content.decode()
    assert accounts.is_legal_rep(agent.user)
    assert "变更法定代表人账号：变更登记" in done.content.decode()  # the firm's history

    # a handler may not; over the API the supervisor opens a new representative's account
    assert login(personas.handler_a).get(url).status_code in (403, 404)
    api = api_client(personas.supervisor)
    response = api.post(
        f"/api/v1/enterprises/firms/{personas.firm.pk}/legal-rep",
        {"real_name": "吴新任", "mobile": "13911117777", "password": PASSWORD, "reason": "再变更"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "legal_rep" and response.json()["name"] == "吴新任"
    bad = api.post(
        f"/api/v1/enterprises/firms/{personas.firm.pk}/legal-rep",
        {"account_id": agent.pk, "reason": ""},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and bad.json()["code"]
