"""Login: the backend (username or mobile number) and the lockout rules.

Failed logins are counted per account, whatever name it was typed as (`lockout_name`: axes keys
its counter by it, so the username and the mobile number of one account share one allowance),
and per client address with a higher limit (LOGIN_IP_FAILURE_LIMIT in LOGIN_LOCKOUT_MINUTES:
counted here on user_login_failed; an office shares one address, a guesser trying many
accounts from one address is stopped)."""

from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from yingshang.org.identifiers import is_mobile, normalize_mobile
from yingshang.rowload import RowLoader


@cache
def _users() -> RowLoader:
    return RowLoader(get_user_model(), "id = %s")


def user_by_pk(pk):
    """The user with this primary key (active or not), or None; read on every request for the
    session's or the token's user, so with SQL built once (yingshang.rowload)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return _users().one([pk])


def _account(login: str):
    """The account a typed login names (its username, or its mobile number), or None."""
    User = get_user_model()
    login = (login or "").strip()
    if not login:
        return None
    field = "mobile" if is_mobile(login) else "username"
    key = normalize_mobile(login) if field == "mobile" else login  # 全角 or spaced digits
    user = User._default_manager.filter(**{field: key}).first()
    if user is None and field == "mobile":
        user = User._default_manager.filter(username=login).first()
    return user


def lockout_name(request, credentials=None) -> str:
    """What axes counts failures by (AXES_USERNAME_CALLABLE): the account, however it was named;
    a name no account has is counted as typed (lower case, trimmed)."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = getattr(request, "POST", {}).get("username")
    typed = (typed or "").strip()
    user = _account(typed)
    return f"user:{user.pk}" if user is not None else typed.lower()[:150]


def client_ip(request) -> str | None:
    """The client's address for axes (AXES_CLIENT_IP_CALLABLE): the project's one rule
    (ratelimit.request_ip), or None when there is none that is an address (axes stores it in
    an address column)."""
    import ipaddress

    from yingshang.apiaccess.ratelimit import request_ip

    address = request_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def _ip_key(request) -> str:
    from yingshang.apiaccess.ratelimit import request_ip

    return f"login:fail:ip:{request_ip(request)}"


def _ip_window() -> int:
    return int(settings.AXES_COOLOFF_TIME * 3600)


@receiver(user_login_failed)
def _count_failure_per_address(sender, credentials, request=None, **kwargs):
    if request is None or getattr(request, "axes_locked_out", False):
        return  # a refused attempt while locked out is not a new failure of this address
    from yingshang.apiaccess import ratelimit

    ratelimit.hit(_ip_key(request), limit=settings.LOGIN_IP_FAILURE_LIMIT, window=_ip_window())


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the username or the 11-digit mobile number, plus the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        if request is not None:
            from yingshang.apiaccess import ratelimit

            if ratelimit.peek(_ip_key(request), window=_ip_window()) >= (
                settings.LOGIN_IP_FAILURE_LIMIT
            ):
                from axes.exceptions import AxesBackendPermissionDenied

                # the lockout page (axes' middleware shows it), as for a locked account
                request.axes_locked_out = True
                raise AxesBackendPermissionDenied("too many failed logins from this address")
        user = _account(username)
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
