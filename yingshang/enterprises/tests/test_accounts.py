"""The legal representative authorises 经办人 and revokes them; a revoked agent loses the firm's
records at once."""

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.cases.models import Case
from yingshang.enterprises import accounts
from yingshang.enterprises.models import FirmAccount
from yingshang.errors import DomainError, PermissionDeniedError
from yingshang.org import scope
from yingshang.org.models import User
from yingshang.testing.personas import PASSWORD


def test_the_firms_first_account_is_the_legal_representatives(personas):
    member = accounts.membership(personas.firm_user)
    assert member.role == FirmAccount.Role.LEGAL_REP
    assert accounts.is_legal_rep(personas.firm_user)


def test_an_authorised_agent_sees_the_firms_case_and_loses_it_on_revocation(
    personas, firm_case, client
):
    account = accounts.agent_authorise(
        actor=personas.firm_user,
        real_name="钱经办",
        mobile="139 1111 2222",
        password=PASSWORD,
        scope_note="代办许可",
    )
    agent = account.user
    assert agent.kind == "firm" and agent.firm_id == personas.firm.pk
    assert agent.mobile == "13911112222"
    assert list(scope.visible_to(agent, Case)) == [firm_case]
    assert not accounts.is_legal_rep(agent)
    assert AuditEvent.objects.filter(action="firm.agent_authorise").exists()

    client.force_login(agent, backend="yingshang.org.auth.UsernameOrMobileBackend")
    assert client.get(f"/cases/mine/{firm_case.number}/").status_code == 200

    accounts.agent_revoke(actor=personas.firm_user, account=account, reason="已离职")
    agent = User.objects.get(pk=agent.pk)
    assert not agent.is_active
    assert not scope.visible_to(agent, Case).exists()
    # the agent's open session no longer opens the firm's case
    response = client.get(f"/cases/mine/{firm_case.number}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    event = AuditEvent.objects.get(action="firm.agent_revoke")
    assert event.reason == "已离职" and event.actor_id == personas.firm_user.pk


def test_an_agent_cannot_authorise_or_revoke_others(personas):
    account = accounts.agent_authorise(
        actor=personas.firm_user, real_name="钱经办", mobile="13911112222", password=PASSWORD
    )
    with pytest.raises(PermissionDeniedError) as exc:
        accounts.agent_authorise(
            actor=account.user, real_name="孙", mobile="13911113333", password=PASSWORD
        )
    assert exc.value.code == "FIRM_ACCOUNT_FORBIDDEN"
    with pytest.raises(PermissionDeniedError):
        accounts.agent_revoke(actor=account.user, account=account, reason="x")
    with pytest.raises(PermissionDeniedError):
        accounts.agent_authorise(
            actor=personas.applicant, real_name="孙", mobile="13911113333", password=PASSWORD
        )


def test_a_revocation_needs_a_reason_and_the_legal_rep_is_not_revoked_here(personas):
    account = accounts.agent_authorise(
        actor=personas.firm_user, real_name="钱经办", mobile="13911112222", password=PASSWORD
    )
    with pytest.raises(DomainError) as exc:
        accounts.agent_revoke(actor=personas.firm_user, account=account, reason=" ")
    assert exc.value.code == "REASON_REQUIRED"
    assert User.objects.get(pk=account.user_id).is_active
    rep = accounts.membership(personas.firm_user)
    with pytest.raises(DomainError) as exc:
        accounts.agent_revoke(actor=personas.firm_user, account=rep, reason="x")
    assert exc.value.code == "FIRM_ACCOUNT_NOT_AGENT"


def test_a_mobile_already_registered_is_refused_and_no_account_is_made(personas):
    with pytest.raises(DomainError) as exc:
        accounts.agent_authorise(
            actor=personas.firm_user, real_name="重复", mobile="13800138000", password=PASSWORD
        )
    assert exc.value.code == "MOBILE_TAKEN"
    assert not FirmAccount.objects.filter(role="agent").exists()
