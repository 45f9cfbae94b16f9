"""The case submission path's per-process caches (service centre, published version parts)
with caching ON: what they keep is plain data, and a second submission reads it."""

import pytest

from yingshang import processcache
from yingshang.cases.tests.factories import CaseFactory
from yingshang.tests.test_processcache import _model_instances

pytestmark = pytest.mark.django_db


def test_submissions_cache_plain_values_only(personas, cat, settings):
    settings.PROCESS_CACHE_SECONDS = 10
    processcache.clear_all()
    try:
        first = CaseFactory(personas=personas, matter=cat.matter)
        caches = processcache.caches()
        assert len(caches["cases.version_parts"]) == 1 and len(caches["cases.centre"]) == 1
        second = CaseFactory(personas=personas, matter=cat.matter)
        assert second.number != first.number
        found = [
            f"{name}{key!r}: {path}"
            for name, cache in caches.items()
            for key, (_expires, value) in cache._entries.items()
            for path in _model_instances(value)
        ]
        assert found == []
    finally:
        processcache.clear_all()
