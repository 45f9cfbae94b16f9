"""The hotline's pages, by capability."""

from yingshang.hotline.views.console import console, console_assist
from yingshang.hotline.views.kpis import city_figures, criticism, kpi_orders, kpi_page
from yingshang.hotline.views.orders import (
    attachment_download,
    order_action,
    order_detail,
    order_list,
    unit_queue,
)
from yingshang.hotline.views.portal import (
    portal_lookup,
    portal_mine,
    portal_mine_detail,
    portal_mine_file,
    portal_submit,
)
from yingshang.hotline.views.settings import settings_page

__all__ = [
    "attachment_download",
    "city_figures",
    "console",
    "console_assist",
    "criticism",
    "kpi_orders",
    "kpi_page",
    "order_action",
    "order_detail",
    "order_list",
    "portal_lookup",
    "portal_mine",
    "portal_mine_detail",
    "portal_mine_file",
    "portal_submit",
    "settings_page",
    "unit_queue",
]
