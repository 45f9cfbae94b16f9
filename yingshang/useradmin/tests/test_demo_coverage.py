"""The demo county satisfies the handler-coverage check (`yingshang check`)."""

import io

import pytest
from django.core.management import call_command

from yingshang.useradmin import coverage
from yingshang.useradmin.checks import CHECK_ID, handler_coverage

pytestmark = pytest.mark.django_db


def test_the_loaded_demo_county_has_a_handler_for_every_routed_unit(settings, tmp_path):
    from yingshang.demo.registry import DemoContext, load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(DemoContext())
    gaps = coverage.gaps()
    assert [(g.unit.name, [r.label for r in g.routes]) for g in gaps] == []
    assert [m for m in handler_coverage() if m.id == CHECK_ID] == []
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    assert CHECK_ID not in out.getvalue()
