import time

import pytest

from yingshang.cases.models import ApprovalTask, Case
from yingshang.demo.registry import DemoContext, Scale

pytestmark = pytest.mark.django_db


def _load():
    from yingshang.demo.registry import load_demo

    ctx = DemoContext(history=False)  # the demo logins' cases (the history: demo/tests)
    load_demo(ctx)
    return ctx


def test_load_demo_makes_cases_in_several_states_and_is_idempotent():
    _load()
    states = set(Case.objects.values_list("status", flat=True))
    assert {"submitted", "awaiting_correction", "accepted", "decided", "closed"} <= states
    assert Case.objects.filter(deficit_open=True).exists() and ApprovalTask.objects.exists()
    count = Case.objects.count()
    _load()
    assert Case.objects.count() == count


def test_generate_bulk_creates_unique_numbers_fast():
    from yingshang.demo.loaders import cases as demo

    ctx = _load()
    before = Case.objects.count()
    started = time.perf_counter()
    made = demo.generate(ctx, Scale("t", 0.01))  # 2,000 cases
    assert made["cases"] == 2000 and Case.objects.count() == before + 2000
    assert time.perf_counter() - started < 30
    assert Case.objects.values("number").distinct().count() == Case.objects.count()
    assert (
        Case.objects.filter(late=True).exists()
        and Case.objects.filter(package__isnull=False).exists()
    )
