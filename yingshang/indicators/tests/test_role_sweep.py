"""Every action × every persona: the abilities say who may, and the services enforce it."""

import pytest
from django.http import Http404

from yingshang.errors import DomainError
from yingshang.indicators import services
from yingshang.indicators import transitions as t
from yingshang.indicators.actions import VALUE_ACTIONS
from yingshang.indicators.tests.conftest import value_of
from yingshang.indicators.tests.factories import entered, evidence
from yingshang.org import scope
from yingshang.testing.personas import PEOPLE

pytestmark = pytest.mark.django_db

ENTERED = "开办企业费用"  # led by unit A (scjg)
MEASURED = "政务服务好差评满意率"  # measured, led by the 营商办's unit

# action → (leaf, state to bring it to, who may, input)
SWEEP = {
    "enter": (ENTERED, "draft", {"handler_a", "head_a"}, {"value": "1"}),
    "submit": (ENTERED, "draft+value", {"handler_a", "head_a"}, {}),
    "measure": (MEASURED, "draft", {"supervisor"}, {}),
    "approve": (ENTERED, "submitted", {"supervisor"}, {}),
    "return": (ENTERED, "submitted", {"supervisor"}, {"reason": "数据口径不对"}),
    "reopen": (ENTERED, "approved", {"supervisor"}, {"reason": "发现差错"}),
    # 1 → 100 × (5 − 1) / 5 = 80 is not flagged: the sweep uses 4 → 20
    "open_problem": (ENTERED, "approved-low", {"supervisor"}, {}),
    "compare": (ENTERED, "draft", {"supervisor"}, {"province_avg": "2"}),
}


def test_the_sweep_covers_every_action():
    assert VALUE_ACTIONS.moves() == set(t.VALUE.moves)
    assert set(VALUE_ACTIONS.names) == set(SWEEP)


def _bring(personas, period, name, state):
    v = value_of(period, name)
    if state == "draft":
        return v
    v = entered(v, actor=personas.handler_a, number="4" if state == "approved-low" else "1")
    if state == "draft+value":
        return v
    v = services.value_submit(actor=personas.handler_a, value=v)
    if state == "submitted":
        return v
    return services.value_approve(actor=personas.supervisor, value=v)


@pytest.mark.parametrize("action", sorted(SWEEP))
def test_abilities_and_services_agree(personas, period, action):
    from yingshang.ratings.tests.factories import RatingFactory

    RatingFactory(level=5, created_at=period.starts_on.isoformat() + "T10:00:00+08:00")
    name, state, allowed, data = SWEEP[action]
    v = _bring(personas, period, name, state)
    for person in PEOPLE:
        user = getattr(personas, person)
        if scope.visible_to(user, type(v)).filter(pk=v.pk).exists():
            assert bool(scope.abilities(user, v).get(action)) is (person in allowed), person
        if person in allowed:
            continue
        with pytest.raises((DomainError, Http404)) as exc:
            VALUE_ACTIONS.execute(
                action, actor=user, obj=v, data=data, files={"files": [evidence()]}
            )
        if isinstance(exc.value, DomainError):
            assert exc.value.status == 403, (person, exc.value.code)
    who = getattr(personas, sorted(allowed)[0])
    VALUE_ACTIONS.execute(action, actor=who, obj=v, data=data, files={"files": [evidence()]})
