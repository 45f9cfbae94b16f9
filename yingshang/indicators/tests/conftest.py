import datetime as dt

import pytest

from yingshang.indicators import services
from yingshang.indicators.models import Indicator, Value


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tree(personas):
    return services.tree_create(actor=personas.supervisor, year=2026)


@pytest.fixture
def period(personas, tree):
    return services.period_open(
        actor=personas.supervisor,
        tree=tree,
        code="2026Q3",
        name="2026年第三季度",
        starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2026, 9, 30),
        today=dt.date(2026, 10, 9),
    )


def leaf(tree, name) -> Indicator:
    return tree.indicators.get(name=name)


def value_of(period, name) -> Value:
    return Value.objects.select_related("indicator", "period").get(
        period=period, indicator__name=name
    )
