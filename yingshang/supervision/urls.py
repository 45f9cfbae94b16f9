from django.urls import path

from yingshang.supervision import alias_views, views

app_name = "supervision"
URL_PREFIX = "staff/supervision/"

urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.problem_list, name="list"),
    path("export/", views.export, name="export"),
    path("units/", views.unit_summary, name="units"),
    path("units/from-overdue-orders/", views.from_overdue_orders, name="from_overdue_orders"),
    path("calendar/", views.milestone_calendar, name="calendar"),
    path("weekly/", views.weekly, name="weekly"),
    path("new/", views.create, name="create"),
    path("p/<int:pk>/", views.detail, name="detail"),
    path("p/<int:pk>/<slug:action>/", views.act, name="act"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_map, name="import_map"),
    path("import/<int:pk>/status/", views.import_status, name="import_status"),
    path("import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("aliases/", alias_views.alias_list, name="aliases"),
    path("aliases/<int:pk>/withdraw/", alias_views.alias_withdraw, name="alias_withdraw"),
    path("forms/", views.forms_list, name="forms"),
    path("forms/<int:pk>/", views.form_fill, name="form_fill"),
]
