"""Signed one-click rating links (SMS invitations, QR codes on case receipts).

The token names the rated object and the rating point and is signed with the site secret
(django.core.signing), so it cannot be altered to rate another object; it carries its issue
time, so it expires after `RatingSettings.link_valid_days`. A link is no password: it only lets
its holder give the one rating the object still lacks (一事一评), anonymously unless the holder
is logged in as the person served."""

from django.core import signing
from django.utils.translation import gettext as _

from yingshang.errors import DomainError
from yingshang.ratings.models import RatingSettings

SALT = "yingshang.ratings.link"
_SECONDS_PER_DAY = 86400


def make_token(kind: str, pk, point: str) -> str:
    return signing.dumps({"k": kind, "i": pk, "p": point}, salt=SALT, compress=True)


def read_token(token: str, *, max_age_days: int | None = None) -> dict:
    """{"k": kind, "i": pk, "p": point}; DomainError for a tampered or an expired link."""
    days = max_age_days if max_age_days is not None else RatingSettings.current().link_valid_days
    try:
        data = signing.loads(token, salt=SALT, max_age=days * _SECONDS_PER_DAY)
    except signing.SignatureExpired:
        raise DomainError(
            "RATING_LINK_EXPIRED",
            _("评价链接已过期，请通过办件查询或12345热线进行评价"),
            status=410,
        ) from None
    except signing.BadSignature:
        raise DomainError("RATING_LINK_INVALID", _("评价链接无效"), status=400) from None
    if not isinstance(data, dict) or not {"k", "i", "p"} <= set(data):
        raise DomainError("RATING_LINK_INVALID", _("评价链接无效"), status=400)
    return data
