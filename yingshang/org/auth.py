from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from yingshang.org.identifiers import is_mobile
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


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the username or the 11-digit mobile number, plus the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        login = username.strip()
        field = "mobile" if is_mobile(login) else "username"
        user = User._default_manager.filter(**{field: login}).first()
        if user is None and field == "mobile":
            user = User._default_manager.filter(username=login).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
