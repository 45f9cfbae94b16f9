from django.urls import path

from yingshang.hotline import views

URL_PREFIX = ""  # staff pages under staff/hotline/, portal pages under hotline/
app_name = "hotline"
urlpatterns = [
    path("staff/hotline/console/", views.console, name="console"),
    path("staff/hotline/console/<str:part>/", views.console_assist, name="console_assist"),
    path("staff/hotline/orders/", views.order_list, name="orders"),
    path("staff/hotline/orders/<int:pk>/", views.order_detail, name="order_detail"),
    path(
        "staff/hotline/orders/<int:pk>/act/<str:action>/", views.order_action, name="order_action"
    ),
    path(
        "staff/hotline/orders/<int:pk>/files/<int:att>/",
        views.attachment_download,
        name="attachment",
    ),
    path("staff/hotline/queue/", views.unit_queue, name="queue"),
    path("staff/hotline/kpis/", views.kpi_page, name="kpis"),
    path("staff/hotline/kpis/orders/", views.kpi_orders, name="kpi_orders"),
    path("staff/hotline/criticism/", views.criticism, name="criticism"),
    path("staff/hotline/city-figures/", views.city_figures, name="city_figures"),
    path("staff/hotline/settings/", views.settings_page, name="settings"),
    path("hotline/submit/", views.portal_submit, name="portal_submit"),
    path("hotline/lookup/", views.portal_lookup, name="portal_lookup"),
    path("hotline/mine/", views.portal_mine, name="portal_mine"),
    path("hotline/mine/<int:pk>/", views.portal_mine_detail, name="portal_mine_detail"),
    path("hotline/mine/<int:pk>/files/<int:att>/", views.portal_mine_file, name="portal_mine_file"),
]
