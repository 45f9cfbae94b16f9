"""The evaluation page's scored tree, rendered once per version of the indicator data.

Why (bench_indicators, session 10): scoring 200 leaves × 30 sites and rendering their table
took ~86 ms of CPU per request; the page answered at p95 924 ms with 10 clients on 2 workers,
against a target of 300 ms. The table is the same for every reader who sees all values, and
changes only when indicator data changes.

- One version number for all indicator data, kept in the shared cache so that every worker sees
  a bump: saving or deleting a tree, indicator, site, value or site value bumps it after the
  commit (signals below; the two bulk writes call `bump_after_commit()` themselves).
- The rendered fragments live in this process (processcache), keyed by (period, version,
  language, who the reader is when they do not see every value). Off in the test suite unless a
  test turns it on, like every per-process cache."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save

from yingshang.processcache import TTLCache

log = logging.getLogger(__name__)
VERSION_KEY = "indicators:data-version"
PAGES = TTLCache("indicators.scores", max_entries=200, seconds=600)


def version() -> int | None:
    """The current number, or None when the shared cache cannot be read (then nothing is
    kept: the page is rendered from the data)."""
    try:
        current = cache.get(VERSION_KEY)
        if current is None:
            cache.add(VERSION_KEY, 1, None)
            current = cache.get(VERSION_KEY) or 1
    except DatabaseError:  # the database cache's table is missing (`createcachetable`)
        log.warning("indicators: the shared cache cannot be read; the scores are not kept")
        return None
    return int(current)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new number invalidates
        cache.set(VERSION_KEY, (version() or 1) + 1, None)
    except DatabaseError:
        log.warning("indicators: the shared cache cannot be written")


def bump_after_commit(**_ignored) -> None:
    """After the writing transaction commits (a reader between the write and the commit must
    not store the old data under the new number)."""
    transaction.on_commit(_bump)


def fragments(period, reader_key, render):
    """`render()` builds the plain-data fragments of the period's page (strings, numbers)."""
    from django.utils import translation

    current = version()
    if current is None:
        return render()
    return PAGES.get((period.pk, current, translation.get_language(), reader_key), render)


def connect() -> None:
    from yingshang.indicators.models import Indicator, Site, SiteValue, Tree, Value

    for model in (Tree, Indicator, Site, Value, SiteValue):
        post_save.connect(bump_after_commit, sender=model, dispatch_uid=f"scorecache-{model}")
        post_delete.connect(bump_after_commit, sender=model, dispatch_uid=f"scorecache-d-{model}")
