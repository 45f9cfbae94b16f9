from django.urls import path

from yingshang.ratings.views import loop, public, ratings, schemes, stats

# Public pages live under /ratings/ (the portal page, rating links, the window pad kiosk) and the
# staff pages under /staff/ratings/ (the workbench shell and its menu serve /staff/ paths), so
# this app mounts at the root and spells both prefixes here.
URL_PREFIX = ""
app_name = "ratings"
P = "ratings/"
S = "staff/ratings/"
urlpatterns = [
    path(P + "public/", stats.public, name="public"),
    path(P + "l/<str:token>/", public.link_rate, name="link"),
    path(P + "w/<int:window_id>/", public.window_rate, name="window"),
    path(P + "thanks/<int:pk>/", public.details, name="details"),
    path(P + "mine/", public.mine, name="mine"),
    path(P + "mine/case/<int:case_id>/", public.rate_case, name="rate_case"),
    path(P + "qr/<str:kind>/<int:pk>.png", public.qr_png, name="qr"),
    path(P + "pad/", public.pad_home, name="pad_home"),
    path(P + "pad/<int:window_id>/", public.pad, name="pad"),
    path(P + "pad/<int:window_id>/state/", public.pad_state, name="pad_state"),
    path(P + "pad/<int:window_id>/rate/", public.pad_rate, name="pad_rate"),
    path(P + "pad/<int:window_id>/next/", public.pad_next, name="pad_next"),
    path(S + "", ratings.rating_list, name="list"),
    path(S + "<int:pk>/", ratings.rating_detail, name="detail"),
    path(S + "<int:pk>/appeal/", ratings.appeal_submit, name="appeal_submit"),
    path(S + "rectifications/", loop.rectification_list, name="rectifications"),
    path(S + "rectifications/<int:pk>/", loop.rectification_detail, name="rectification"),
    path(S + "appeals/", loop.appeal_list, name="appeals"),
    path(S + "appeals/<int:pk>/decide/", loop.appeal_decide, name="appeal_decide"),
    path(S + "stats/", stats.stats, name="stats"),
    path(S + "settings/", ratings.settings_page, name="settings"),
    path(S + "settings/schemes/", schemes.scheme_page, name="schemes"),
    path(S + "qr/", ratings.qr_sheet, name="qr_sheet"),
]
