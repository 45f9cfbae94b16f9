"""Abuse limits of the public rating endpoints: a fixed one-minute window per client address and
per rated object, on top of the project's one limiter (`yingshang.apiaccess.ratelimit`, counted in
the database and shared by the app servers). The limits are RatingSettings."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from yingshang.apiaccess.ratelimit import hit, request_ip
from yingshang.errors import DomainError
from yingshang.processcache import TTLCache
from yingshang.ratings.models import RatingSettings


@dataclass(frozen=True)
class Limits:
    """What every rating request reads of RatingSettings (the cached copy: never the row)."""

    public_per_ip_per_minute: int
    public_per_object_per_minute: int


def _limits() -> Limits:
    row = RatingSettings.current()
    return Limits(row.public_per_ip_per_minute, row.public_per_object_per_minute)


# read on every rating request; a changed limit applies within PROCESS_CACHE_SECONDS (and at
# once in the process that saved it: apps.py clears it on post_save)
SETTINGS = TTLCache("ratings.settings")


def check(request, *, obj_key: str = "", per_ip: bool = True) -> None:
    """Raise DomainError RATE_LIMITED (429) when this address or this object is over its limit.
    Authenticated API clients (an app's backend submits for many people from one address) pass
    per_ip=False and are limited per rated object only."""
    conf = SETTINGS.get("current", _limits)
    if per_ip and not hit(
        f"ratings:ip:{request_ip(request)}", limit=conf.public_per_ip_per_minute, window=60
    ):
        raise DomainError("RATE_LIMITED", _("操作过于频繁，请稍后再试"), status=429)
    if obj_key and not hit(
        f"ratings:obj:{obj_key}", limit=conf.public_per_object_per_minute, window=60
    ):
        raise DomainError("RATE_LIMITED", _("该评价对象的提交过于频繁，请稍后再试"), status=429)
