"""Services of the evaluation: the tree (tree.py), periods and values (values.py), Excel
import (importer.py)."""

from yingshang.indicators.services.importer import values_import
from yingshang.indicators.services.ledger import value_open_problem
from yingshang.indicators.services.measuring import measure_due
from yingshang.indicators.services.publish import period_publish, period_unpublish
from yingshang.indicators.services.sites import site_create, site_update, value_sites
from yingshang.indicators.services.tree import (
    indicator_add,
    indicator_deactivate,
    indicator_update,
    tree_create,
)
from yingshang.indicators.services.tree_excel import tree_import
from yingshang.indicators.services.values import (
    leaves,
    period_open,
    value_approve,
    value_compare,
    value_enter,
    value_measure,
    value_reopen,
    value_return,
    value_submit,
)

__all__ = [
    "indicator_add",
    "indicator_deactivate",
    "indicator_update",
    "leaves",
    "measure_due",
    "period_open",
    "period_publish",
    "period_unpublish",
    "site_create",
    "site_update",
    "tree_create",
    "tree_import",
    "value_approve",
    "value_compare",
    "value_enter",
    "value_measure",
    "value_open_problem",
    "value_reopen",
    "value_return",
    "value_sites",
    "value_submit",
    "values_import",
]
