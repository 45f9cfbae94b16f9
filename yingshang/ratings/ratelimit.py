"""Abuse limits of the public rating endpoints: a fixed one-minute window per client IP and per
rated object, counted in the database (`yingshang.apiaccess.ratelimit`, shared by the app
servers)."""

from django.utils.translation import gettext as _

from yingshang.apiaccess import ratelimit
from yingshang.errors import DomainError
from yingshang.processcache import TTLCache
from yingshang.ratings.models import RatingSettings

# read on every rating request; a changed limit applies within PROCESS_CACHE_SECONDS
SETTINGS = TTLCache("ratings.settings")


def client_ip(request) -> str:
    # REMOTE_ADDR is what the proxy in front of us set; X-Forwarded-For is caller-controlled.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _hit(key: str, limit: int) -> bool:
    return ratelimit.hit(f"ratings:{key}", limit=limit, window=60)


def check(request, *, obj_key: str = "", per_ip: bool = True) -> None:
    """Raise DomainError RATE_LIMITED (429) when this IP or this object is over its limit.
    Authenticated API clients (an app's backend submits for many people from one address) pass
    per_ip=False and are limited per rated object only."""
    conf = SETTINGS.get("current", RatingSettings.current)
    if per_ip and not _hit(f"ip:{client_ip(request)}", conf.public_per_ip_per_minute):
        raise DomainError("RATE_LIMITED", _("操作过于频繁，请稍后再试"), status=429)
    if obj_key and not _hit(f"obj:{obj_key}", conf.public_per_object_per_minute):
        raise DomainError("RATE_LIMITED", _("该评价对象的提交过于频繁，请稍后再试"), status=429)
