import datetime as dt

import pytest
from django.db import transaction

from yingshang import numbering
from yingshang.workcal.calendar import TZ


@pytest.mark.django_db
def test_numbers_follow_each_other_per_series_and_restart_each_local_day():
    late = dt.datetime(2026, 12, 6, 23, 59, tzinfo=TZ)
    assert numbering.case_number(late) == "YS20261206000001"
    assert numbering.case_number(late) == "YS20261206000002"
    # 16:30 UTC is 00:30 the next morning in the county
    next_day = dt.datetime(2026, 12, 6, 16, 30, tzinfo=dt.UTC)
    assert numbering.case_number(next_day) == "YS20261207000001"
    assert numbering.problem_numbers(2026, 3) == ["WT2026-0001", "WT2026-0002", "WT2026-0003"]
    assert numbering.problem_numbers(2026) == ["WT2026-0004"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_record_gives_its_number_back():
    at = dt.datetime(2026, 12, 6, 10, tzinfo=TZ)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.case_number(at) == "YS20261206000001"
        raise RuntimeError("the case could not be saved")
    with transaction.atomic():
        assert numbering.case_number(at) == "YS20261206000001"


@pytest.mark.django_db
def test_work_order_numbers_carry_the_local_day_and_increase_without_repeating():
    late = dt.datetime(2026, 12, 6, 23, 59, tzinfo=TZ)
    first = numbering.workorder_number(late)
    second = numbering.workorder_number(dt.datetime(2026, 12, 6, 16, 30, tzinfo=dt.UTC))
    assert first.startswith("GD20261206") and len(first) == 18
    assert second.startswith("GD20261207")  # 16:30 UTC is the next morning in the county
    assert int(second[10:]) > int(first[10:])
    bulk = numbering.serial("workorder", 3)
    assert len(set(bulk)) == 3 and min(bulk) > int(second[10:])


def test_count_must_be_positive():
    with pytest.raises(ValueError):
        numbering.take("case:x", 0)
    with pytest.raises(ValueError):
        numbering.serial("workorder", 0)
