from django.urls import path

from yingshang.ratings import scheme_views, views

# Public pages live under /ratings/ (the portal page, rating links, the window pad kiosk) and the
# staff pages under /staff/ratings/ (the workbench shell and its menu serve /staff/ paths), so
# this app mounts at the root and spells both prefixes here.
URL_PREFIX = ""
app_name = "ratings"
P = "ratings/"
S = "staff/ratings/"
urlpatterns = [
    path(P + "public/", views.public, name="public"),
    path(P + "l/<str:token>/", views.link_rate, name="link"),
    path(P + "w/<int:window_id>/", views.window_rate, name="window"),
    path(P + "thanks/<int:pk>/", views.details, name="details"),
    path(P + "mine/", views.mine, name="mine"),
    path(P + "mine/case/<int:case_id>/", views.rate_case, name="rate_case"),
    path(P + "qr/<str:kind>/<int:pk>.png", views.qr_png, name="qr"),
    path(P + "pad/", views.pad_home, name="pad_home"),
    path(P + "pad/<int:window_id>/", views.pad, name="pad"),
    path(P + "pad/<int:window_id>/state/", views.pad_state, name="pad_state"),
    path(P + "pad/<int:window_id>/rate/", views.pad_rate, name="pad_rate"),
    path(P + "pad/<int:window_id>/next/", views.pad_next, name="pad_next"),
    path(S + "", views.rating_list, name="list"),
    path(S + "<int:pk>/", views.rating_detail, name="detail"),
    path(S + "<int:pk>/appeal/", views.appeal_submit, name="appeal_submit"),
    path(S + "rectifications/", views.rectification_list, name="rectifications"),
    path(S + "rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path(S + "appeals/", views.appeal_list, name="appeals"),
    path(S + "appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path(S + "stats/", views.stats, name="stats"),
    path(S + "settings/", views.settings_page, name="settings"),
    path(S + "settings/schemes/", scheme_views.scheme_page, name="schemes"),
    path(S + "qr/", views.qr_sheet, name="qr_sheet"),
]
