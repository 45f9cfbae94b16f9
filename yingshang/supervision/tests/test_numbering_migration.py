"""Problem numbers moved to yingshang.numbering: the yearly counters the ledger had handed out
come along, so no number is given twice after the upgrade."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from yingshang import numbering

BEFORE = [("supervision", "0001_initial"), ("numbering", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_numbers_continue_after_the_counters_move():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("supervision", "Counter")
    old.objects.create(year=2025, last=72)
    old.objects.create(year=2026, last=5)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest of every app
    assert numbering.problem_numbers(2026, 2) == ["WT2026-0006", "WT2026-0007"]
    assert numbering.problem_numbers(2025) == ["WT2025-0073"]
    assert numbering.problem_numbers(2027) == ["WT2027-0001"]
