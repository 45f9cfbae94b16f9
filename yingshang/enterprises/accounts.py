"""A firm's accounts: the legal representative's account (账号管理人) authorises 经办人 accounts
and revokes them on the portal. A revoked agent's account is deactivated in the same
transaction, so from its next request it sees nothing of the firm (every scope reads
`user.firm_id` of an active user only; org.scope treats an inactive user as anonymous).

Whose account is the legal representative's: the one recorded as such (FirmAccount); a firm
account registered before these records existed is counted the first time it is looked at —
the firm's first account is its legal representative's, any later one an agent."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.enterprises.models import Firm, FirmAccount
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org import identifiers
from yingshang.org.models import User


def membership(user) -> FirmAccount | None:
    """The user's standing in their firm, recorded on first look for older accounts."""
    if user is None or not user.is_authenticated or user.kind != User.Kind.FIRM:
        return None
    if not user.firm_id:
        return None
    found = FirmAccount.objects.filter(user_id=user.pk).first()
    if found is not None:
        return found
    first = User.objects.filter(firm_id=user.firm_id, kind=User.Kind.FIRM).order_by("pk").first()
    has_rep = FirmAccount.objects.filter(
        firm_id=user.firm_id, role=FirmAccount.Role.LEGAL_REP, revoked_at__isnull=True
    ).exists()
    role = (
        FirmAccount.Role.LEGAL_REP
        if first is not None and first.pk == user.pk and not has_rep
        else FirmAccount.Role.AGENT
    )
    try:
        with transaction.atomic():
            account = FirmAccount.objects.create(
                user=user, firm_id=user.firm_id, role=role, authorised_at=user.date_joined
            )
            audit.record(
                actor=user,
                action="firm.account_recorded",
                obj=account,
                after={"firm": user.firm_id, "role": role},
            )
            return account
    except IntegrityError:  # counted by a concurrent request
        return FirmAccount.objects.filter(user_id=user.pk).first()


def is_legal_rep(user) -> bool:
    m = membership(user)
    return m is not None and m.role == FirmAccount.Role.LEGAL_REP and m.active


def _require_legal_rep(actor) -> FirmAccount:
    m = membership(actor)
    if m is None or m.role != FirmAccount.Role.LEGAL_REP or not m.active:
        raise PermissionDeniedError(
            "FIRM_ACCOUNT_FORBIDDEN", _("只有本企业法定代表人的账号可以授权或撤销经办人")
        )
    return m


def accounts_of(firm: Firm):
    """Every account of the firm with its standing, the legal representative first."""
    # counts accounts registered before these records (none left once each was looked at)
    for user in User.objects.filter(firm=firm, kind=User.Kind.FIRM, firm_membership__isnull=True):
        membership(user)
    return (
        FirmAccount.objects.filter(firm=firm)
        .select_related("user", "authorised_by", "revoked_by")
        .order_by("role", "revoked_at", "-authorised_at")
    )


@transaction.atomic
def agent_authorise(
    *,
    actor,
    real_name: str,
    mobile: str,
    password: str,
    id_number: str | None = None,
    scope_note: str = "",
) -> FirmAccount:
    """The legal representative creates an agent's account for their firm; the agent logs in
    with the mobile number and the password given."""
    rep = _require_legal_rep(actor)
    account = _account_create(
        actor=actor,
        firm=rep.firm,
        real_name=real_name,
        mobile=mobile,
        password=password,
        id_number=id_number,
        scope_note=scope_note,
    )
    user = account.user
    audit.record(
        actor=actor,
        action="firm.agent_authorise",
        obj=account,
        after={"firm": rep.firm, "agent": user, "scope_note": account.scope_note},
    )
    return account


def _account_create(
    *, actor, firm, real_name, mobile, password, id_number=None, scope_note=""
) -> FirmAccount:
    """A new firm account authorised by `actor`, as an agent (the caller may make it more)."""
    from yingshang.org.services import user_create

    real_name = (real_name or "").strip()
    if not real_name:
        raise InvalidInput(
            "AGENT_NAME_REQUIRED", _("请填写账号持有人的姓名"), details={"field": "real_name"}
        )
    code = identifiers.require_mobile(mobile)
    user = user_create(
        actor=actor,
        username=f"agent-{code}",
        password=password,
        real_name=real_name[:40],
        kind=User.Kind.FIRM,
        mobile=code,
        id_number=id_number or None,
        firm=firm,
    )
    return FirmAccount.objects.create(
        user=user,
        firm=firm,
        role=FirmAccount.Role.AGENT,
        authorised_by=actor,
        authorised_at=timezone.now(),
        scope_note=(scope_note or "").strip()[:200],
    )


@transaction.atomic
def agent_revoke(*, actor, account: FirmAccount, reason: str) -> FirmAccount:
    """Revoke an agent: the authorisation ends and the account is deactivated at once."""
    rep = _require_legal_rep(actor)
    account = FirmAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
    if account.firm_id != rep.firm_id:
        raise DomainError("FIRM_ACCOUNT_NOT_FOUND", _("未找到该经办人"), status=404)
    if account.role != FirmAccount.Role.AGENT:
        raise DomainError("FIRM_ACCOUNT_NOT_AGENT", _("法定代表人的账号不能在此撤销"), status=409)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写撤销原因"), details={"field": "reason"})
    if account.revoked_at is not None:
        return account
    account.save(update_fields=_end(account, actor=actor, reason=reason, at=timezone.now()))
    user = account.user
    audit.record(
        actor=actor,
        action="firm.agent_revoke",
        obj=account,
        before={"active": True},
        after={"active": False, "agent": user},
        reason=reason,
    )
    return account


def _end(account: FirmAccount, *, actor, reason: str, at) -> list[str]:
    """Revoke `account` (the caller saves the fields returned) and deactivate its user at once."""
    account.revoked_at, account.revoked_by, account.revoke_reason = at, actor, reason[:200]
    user = account.user
    user.is_active = False
    user.roles_version += 1  # the process-level caches keyed on it forget the account
    user.save(update_fields=["is_active", "roles_version"])
    return ["revoked_at", "revoked_by", "revoke_reason"]


@transaction.atomic
def legal_rep_transfer(
    *,
    actor,
    firm: Firm,
    account: FirmAccount,
    reason: str,
    revoke_previous: bool = False,
) -> FirmAccount:
    """变更法定代表人: the 营商办 (a register editor) makes another active account of the firm
    its legal representative's (账号管理人) — the firm's own representative cannot hand the
    role on when the change is the very thing in question. The previous representative's account
    stays as an agent, or is revoked and deactivated when `revoke_previous`; the profile's
    legal representative becomes the new account's holder. One audit event on the firm names
    both accounts."""
    from yingshang.enterprises import services

    services.require_editor(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写变更原因"), details={"field": "reason"})
    for user in User.objects.filter(firm=firm, kind=User.Kind.FIRM):
        membership(user)  # older accounts get their standing before it changes
    rows = list(
        FirmAccount.objects.select_for_update()
        .select_related("user")
        .filter(firm=firm, revoked_at__isnull=True)
        .order_by("pk")
    )
    new = next((a for a in rows if a.pk == account.pk), None)
    if new is None or not new.user.is_active:
        raise DomainError(
            "FIRM_ACCOUNT_NOT_FOUND",
            _("该账号不是本企业的有效账号"),
            status=404,
            details={"field": "account"},
        )
    if new.role == FirmAccount.Role.LEGAL_REP:
        raise DomainError(
            "FIRM_ACCOUNT_ALREADY_LEGAL_REP",
            _("该账号已是本企业法定代表人的账号"),
            status=409,
            details={"field": "account"},
        )
    previous = next((a for a in rows if a.role == FirmAccount.Role.LEGAL_REP), None)
    now = timezone.now()
    if previous is not None:
        previous.role = FirmAccount.Role.AGENT
        fields = ["role"]
        if revoke_previous:
            fields += _end(previous, actor=actor, reason=reason, at=now)
        previous.save(update_fields=fields)  # before the new one: one legal rep per firm
    new.role = FirmAccount.Role.LEGAL_REP
    new.authorised_by, new.authorised_at = actor, now
    new.save(update_fields=["role", "authorised_by", "authorised_at"])
    new.user.roles_version += 1  # cached standings of both accounts are forgotten
    new.user.save(update_fields=["roles_version"])
    before_name = firm.legal_representative
    holder = new.user.real_name or new.user.display_name
    if holder and holder != before_name:
        firm.legal_representative = holder
        firm.save(update_fields=["legal_representative", "updated_at"])
    audit.record(
        actor=actor,
        action="firm.legal_rep_transfer",
        obj=firm,
        before={
            "legal_rep_account": previous.user if previous else None,
            "legal_representative": before_name,
        },
        after={
            "legal_rep_account": new.user,
            "legal_representative": firm.legal_representative,
            "previous_account": "revoked" if previous and revoke_previous else "agent",
        },
        reason=reason,
    )
    return new


@transaction.atomic
def legal_rep_register(
    *,
    actor,
    firm: Firm,
    real_name: str,
    mobile: str,
    password: str,
    reason: str,
    revoke_previous: bool = False,
) -> FirmAccount:
    """变更法定代表人 when the new representative has no account yet (the old one may be gone
    and cannot authorise anyone): the 营商办 opens the account and makes it the firm's legal
    representative's in one step."""
    from yingshang.enterprises import services

    services.require_editor(actor)
    if not (reason or "").strip():  # before an account is made for nothing
        raise InvalidInput("REASON_REQUIRED", _("请填写变更原因"), details={"field": "reason"})
    account = _account_create(
        actor=actor, firm=firm, real_name=real_name, mobile=mobile, password=password
    )
    return legal_rep_transfer(
        actor=actor, firm=firm, account=account, reason=reason, revoke_previous=revoke_previous
    )


def legal_rep_change(
    *,
    actor,
    firm: Firm,
    reason: str,
    account_id: int | None = None,
    real_name: str = "",
    mobile: str = "",
    password: str = "",
    revoke_previous: bool = False,
) -> FirmAccount:
    """The staff page's and the API's one entry: an existing account of the firm
    (`account_id`) becomes the legal representative's, or a new one is opened for them."""
    if account_id is None:
        return legal_rep_register(
            actor=actor,
            firm=firm,
            real_name=real_name,
            mobile=mobile,
            password=password,
            reason=reason,
            revoke_previous=revoke_previous,
        )
    account = FirmAccount.objects.filter(pk=account_id, firm=firm).first()
    if account is None:
        raise DomainError(
            "FIRM_ACCOUNT_NOT_FOUND",
            _("该账号不是本企业的有效账号"),
            status=404,
            details={"field": "account"},
        )
    return legal_rep_transfer(
        actor=actor, firm=firm, account=account, reason=reason, revoke_previous=revoke_previous
    )
