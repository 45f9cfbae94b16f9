from django.urls import path

from yingshang.arrears import import_views, portal_views, views

app_name = "arrears"
URL_PREFIX = ""
S = "staff/arrears/"

urlpatterns = [
    path(S, views.arrears_list, name="list"),
    path(S + "export/", views.export, name="export"),
    path(S + "new/", views.create, name="create"),
    path(S + "progress/", views.progress, name="progress"),
    path(S + "ledger/", views.ledger, name="ledger"),
    path(S + "import/", import_views.upload, name="import"),
    path(S + "import/<int:pk>/apply/", import_views.apply, name="import_apply"),
    path(S + "r/<int:pk>/", views.detail, name="detail"),
    path(S + "r/<int:pk>/<slug:action>/", views.act, name="act"),
    path("arrears/files/<int:pk>/", views.attachment, name="file"),
    path("arrears/mine/", portal_views.mine, name="portal_mine"),
    path("arrears/report/", portal_views.report, name="portal_report"),
    path("arrears/mine/<int:pk>/", portal_views.mine_detail, name="portal_detail"),
    path("arrears/mine/<int:pk>/<slug:action>/", portal_views.mine_act, name="portal_act"),
]
