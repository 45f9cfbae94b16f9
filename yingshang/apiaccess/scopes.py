"""Who sees which API credentials: an admin sees every integration key; anyone else only the
personal tokens they own."""

from django.db.models import Q

from yingshang.apiaccess.models import ApiToken
from yingshang.org import scope
from yingshang.org.roles import Role


def _tokens(grants, qs):
    if not grants.is_authenticated:
        return qs.none()
    own = Q(user_id=grants.user.pk, kind=ApiToken.Kind.PERSONAL)
    if grants.has(Role.ADMIN):
        return qs.filter(own | Q(kind=ApiToken.Kind.INTEGRATION))
    return qs.filter(own)


scope.register(ApiToken, _tokens, tenant="unit")
