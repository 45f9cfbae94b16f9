from django.urls import path

from yingshang.indicators.views import rounds, scores, tree, values

app_name = "indicators"
# staff pages under /staff/indicators/, the portal page under /indicators/
URL_PREFIX = ""
S = "staff/indicators/"

urlpatterns = [
    path(S + "", scores.home, name="home"),
    path(S + "gap/", scores.gap, name="gap"),
    path(S + "lead/", scores.lead, name="lead"),
    path(S + "dispatch/", rounds.dispatch, name="dispatch"),
    path(S + "export/", scores.export, name="export"),
    path(S + "values/", values.value_list, name="values"),
    path(S + "v/<int:pk>/", values.value_detail, name="value"),
    path(S + "v/<int:pk>/sites/", rounds.value_sites, name="value_sites"),
    path(S + "v/<int:pk>/records/", rounds.value_records, name="records"),
    path(S + "v/<int:pk>/<slug:action>/", values.act, name="act"),
    path(S + "evidence/<int:pk>/", values.evidence_file, name="evidence"),
    path(S + "periods/new/", tree.period_new, name="period_new"),
    path(S + "periods/<str:code>/template/", values.import_template, name="import_template"),
    path(S + "periods/<str:code>/import/", values.import_values, name="import"),
    path(S + "periods/<str:code>/publish/", rounds.publish, name="publish"),
    path(S + "sites/", rounds.sites, name="sites"),
    path(S + "tree/", tree.tree, name="tree"),
    path(S + "tree/new/", tree.tree_create, name="tree_create"),
    path(S + "tree/<int:year>/", tree.tree, name="tree_year"),
    path(S + "tree/<int:year>/export/", tree.tree_export, name="tree_export"),
    path(S + "tree/<int:year>/import/", rounds.tree_import, name="tree_import"),
    path(S + "i/<int:pk>/", tree.indicator, name="indicator"),
    path(S + "i/<int:pk>/add/", tree.indicator_add, name="indicator_add"),
    path(S + "i/<int:pk>/deactivate/", tree.indicator_deactivate, name="indicator_deactivate"),
    path("indicators/", rounds.public, name="public"),
]
