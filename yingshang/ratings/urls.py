from django.urls import path

from yingshang.ratings import views

# Public pages (/ratings/public/, the rating links, the window pad) and staff pages
# (/ratings/staff/…) of one app share the app's prefix.
app_name = "ratings"
urlpatterns = [
    path("public/", views.public, name="public"),
    path("l/<str:token>/", views.link_rate, name="link"),
    path("w/<int:window_id>/", views.window_rate, name="window"),
    path("thanks/<int:pk>/", views.details, name="details"),
    path("mine/", views.mine, name="mine"),
    path("mine/case/<int:case_id>/", views.rate_case, name="rate_case"),
    path("qr/<str:kind>/<int:pk>.png", views.qr_png, name="qr"),
    path("pad/", views.pad_home, name="pad_home"),
    path("pad/<int:window_id>/", views.pad, name="pad"),
    path("pad/<int:window_id>/state/", views.pad_state, name="pad_state"),
    path("pad/<int:window_id>/rate/", views.pad_rate, name="pad_rate"),
    path("pad/<int:window_id>/next/", views.pad_next, name="pad_next"),
    path("staff/", views.rating_list, name="list"),
    path("staff/<int:pk>/", views.rating_detail, name="detail"),
    path("staff/<int:pk>/appeal/", views.appeal_submit, name="appeal_submit"),
    path("staff/rectifications/", views.rectification_list, name="rectifications"),
    path("staff/rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("staff/appeals/", views.appeal_list, name="appeals"),
    path("staff/appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("staff/stats/", views.stats, name="stats"),
]
