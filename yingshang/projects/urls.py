from django.urls import path

from yingshang.projects import key_views, staff_views, views

app_name = "projects"
URL_PREFIX = ""  # portal pages under /projects/, staff pages under /staff/projects/

urlpatterns = [
    path("projects/", views.portal_list, name="portal_list"),
    path("projects/new/", views.portal_new, name="portal_new"),
    path("projects/<int:pk>/", views.portal_project, name="portal_project"),
    path(
        "projects/<int:pk>/stages/<int:order>/<slug:action>/",
        views.portal_stage_action,
        name="portal_stage_action",
    ),
    path("staff/projects/", staff_views.staff_list, name="staff_list"),
    path("staff/projects/statistics/", staff_views.statistics, name="statistics"),
    path("staff/projects/<int:pk>/", staff_views.staff_project, name="staff_project"),
    path(
        "staff/projects/<int:pk>/stages/<int:order>/<slug:action>/",
        staff_views.staff_stage_action,
        name="staff_stage_action",
    ),
    path("staff/projects/key/", key_views.key_board, name="key_board"),
    path("staff/projects/key/new/", key_views.key_new, name="key_new"),
    path("staff/projects/key/report.<slug:fmt>", key_views.key_report, name="key_report"),
    path("staff/projects/key/<int:pk>/", key_views.key_detail, name="key_detail"),
    path("staff/projects/key/<int:pk>/<slug:action>/", key_views.key_action, name="key_action"),
]
