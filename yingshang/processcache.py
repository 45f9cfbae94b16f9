"""The one per-process cache: rows that every request of a hot path reads and that change
rarely — a settings row, the active rating scheme, a unit's name, a user's role grants — kept in
this process's memory for a few seconds.

    SETTINGS = TTLCache("ratings.settings")
    conf = SETTINGS.get("current", load_settings_snapshot)

Rules (each cache's owner keeps them):
- Values are plain data — str, numbers, tuples, dicts/lists built for the cache, or frozen
  dataclasses — never model instances: worker threads share the cache, and a model instance
  carries mutable state and lazy relations.
- Each entry lives `PROCESS_CACHE_SECONDS` (settings; default 10 s, 0 — no caching — in the
  test suite unless a test turns it on), or the lifetime of the setting named by `setting=`, or
  a fixed `seconds=` for values that never change once written (published versions).
- Saving one of the cached models clears its cache in the saving process at once (owners
  connect `clear` to post_save); other processes see the change within the lifetime. Only
  values whose few-seconds lag is harmless belong here (abuse limits, display names, the
  scheme a new rating is given under), or values keyed by a version that every change bumps
  (a user's roles, keyed by `roles_version`).
- `clear_all()` empties every cache of the process (tests, a unit renamed).
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

_REGISTRY: list["TTLCache"] = []


class TTLCache:
    def __init__(
        self,
        name: str,
        *,
        max_entries: int = 5000,
        seconds: int | None = None,
        setting: str = "PROCESS_CACHE_SECONDS",
    ):
        self.name = name
        self.max_entries = max_entries
        self.seconds = seconds
        self.setting = setting
        self._entries: dict[Any, tuple[float, Any]] = {}
        _REGISTRY.append(self)

    def lifetime(self) -> float:
        """Seconds an entry lives now (0: the cache is off)."""
        ttl = getattr(settings, self.setting, 10)
        if ttl <= 0:
            return 0
        return self.seconds or ttl

    def get(self, key, loader: Callable[[], Any]):
        if self.lifetime() <= 0:
            return loader()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        value = loader()
        self.put(key, value)
        return value

    def peek(self, key, default=None):
        """The live entry of `key`, or `default` (nothing is loaded)."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= time.monotonic() or self.lifetime() <= 0:
            return default
        return entry[1]

    def put(self, key, value) -> None:
        """Keep `value` for the cache's lifetime (nothing is kept while the cache is off)."""
        ttl = self.lifetime()
        if ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:  # bounded: drop all rather than track ages
            self._entries.clear()
        self._entries[key] = (time.monotonic() + ttl, value)

    def forget(self, key) -> None:
        self._entries.pop(key, None)

    def clear(self, *args, **kwargs) -> None:
        """Forget everything (usable as a signal receiver)."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def clear_all() -> None:
    for cache in _REGISTRY:
        cache.clear()


def caches() -> dict[str, TTLCache]:
    return {cache.name: cache for cache in _REGISTRY}
