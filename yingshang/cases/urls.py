from django.urls import path

from yingshang.cases import staff_views, views

app_name = "cases"
URL_PREFIX = ""  # portal pages under /cases/, workbench pages under /staff/cases/

urlpatterns = [
    path("cases/apply/matter/<int:matter_id>/", views.apply_matter, name="apply_matter"),
    path("cases/apply/package/<slug:code>/", views.apply_package, name="apply_package"),
    path("cases/mine/", views.my_cases, name="my_cases"),
    path("cases/mine/<str:number>/", views.my_case, name="my_case"),
    path("cases/mine/<str:number>/notice/<slug:kind>/", views.notice, name="notice"),
    path("cases/mine/<str:number>/<slug:action>/", views.my_case_action, name="my_case_action"),
    path("cases/documents/<int:pk>/", views.document, name="document"),
    path("cases/lookup/", views.lookup, name="lookup"),
    path("cases/appointment/", views.appointment, name="appointment"),
    path("staff/cases/", staff_views.queue, name="queue"),
    path("staff/cases/tasks/", staff_views.my_tasks, name="my_tasks"),
    path("staff/cases/window/", staff_views.window_submit, name="window_submit"),
    path("staff/cases/statistics/", staff_views.statistics, name="statistics"),
    path("staff/cases/statistics/cases/", staff_views.statistics_cases, name="statistics_cases"),
    path("staff/cases/<int:pk>/", staff_views.case_page, name="staff_case"),
    path("staff/cases/<int:pk>/<slug:action>/", staff_views.case_action, name="staff_action"),
]
