"""Abuse limits of the public rating endpoints: a fixed one-minute window per client IP and per
rated object, counted in the cache (shared by the app servers when Redis is configured)."""

import logging
import time

from django.core.cache import cache
from django.utils.translation import gettext as _

from yingshang.errors import DomainError
from yingshang.ratings.models import RatingSettings

log = logging.getLogger(__name__)


def client_ip(request) -> str:
    # REMOTE_ADDR is what the proxy in front of us set; X-Forwarded-For is caller-controlled.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _hit(key: str, limit: int) -> bool:
    window = int(time.time() // 60)
    full = f"ratings:rl:{key}:{window}"
    try:
        if cache.add(full, 1, timeout=90):
            count = 1
        else:
            try:
                count = cache.incr(full)
            except ValueError:  # expired between add and incr
                cache.add(full, 1, timeout=90)
                count = 1
    except Exception:
        # A broken cache must not cost a rating (the one-per-object constraints still hold):
        # the limit fails open and says so in the log.
        log.exception("rate limit cache unavailable; request allowed")
        return True
    return count <= limit


def check(request, *, obj_key: str = "", per_ip: bool = True) -> None:
    """Raise DomainError RATE_LIMITED (429) when this IP or this object is over its limit.
    Authenticated API clients (an app's backend submits for many people from one address) pass
    per_ip=False and are limited per rated object only."""
    conf = RatingSettings.current()
    if per_ip and not _hit(f"ip:{client_ip(request)}", conf.public_per_ip_per_minute):
        raise DomainError("RATE_LIMITED", _("操作过于频繁，请稍后再试"), status=429)
    if obj_key and not _hit(f"obj:{obj_key}", conf.public_per_object_per_minute):
        raise DomainError("RATE_LIMITED", _("该评价对象的提交过于频繁，请稍后再试"), status=429)
