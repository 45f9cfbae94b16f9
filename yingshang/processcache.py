"""Rows that every request of a hot path reads and that change rarely — a settings row, the
active rating scheme, a unit's name — kept per process for a few seconds.

    SETTINGS = TTLCache("ratings.settings")
    conf = SETTINGS.get("current", RatingSettings.current)

Each entry lives `PROCESS_CACHE_SECONDS` (settings; default 10 s, 0 — no caching — in the test
suite unless a test turns it on). Saving one of the cached models clears its cache in the saving
process at once (the owners connect `clear` to post_save); other worker processes see the change
within the TTL. Only values whose few-seconds lag is harmless belong here: abuse limits, the
scheme a new rating is given under, display names — never permissions or revocations.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

_REGISTRY: list["TTLCache"] = []


class TTLCache:
    def __init__(self, name: str, *, max_entries: int = 5000, seconds: int | None = None):
        """`seconds`: a fixed lifetime for values that never change once written (published
        versions); still off when PROCESS_CACHE_SECONDS is 0."""
        self.name = name
        self.max_entries = max_entries
        self.seconds = seconds
        self._entries: dict[Any, tuple[float, Any]] = {}
        _REGISTRY.append(self)

    def get(self, key, loader: Callable[[], Any]):
        ttl = getattr(settings, "PROCESS_CACHE_SECONDS", 10)
        if ttl <= 0:
            return loader()
        ttl = self.seconds or ttl
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = loader()
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (now + ttl, value)
        return value

    def clear(self, *args, **kwargs) -> None:
        """Forget everything (usable as a signal receiver)."""
        self._entries.clear()


def clear_all() -> None:
    for cache in _REGISTRY:
        cache.clear()
