from django.urls import path

from yingshang.inspections import portal_views, staff_views

app_name = "inspections"
URL_PREFIX = ""
S = "staff/inspections/"

urlpatterns = [
    path("inspections/", portal_views.plans, name="public_plans"),
    path("inspections/draws/<int:pk>/", portal_views.draw, name="public_draw"),
    path("inspections/draws/<int:pk>/export/", portal_views.draw_export, name="public_export"),
    path("inspections/results/", portal_views.results, name="public_results"),
    path("inspections/quiet-days/", portal_views.quiet_days, name="public_quiet_days"),
    path("inspections/mine/", portal_views.mine, name="mine"),
    path("inspections/results/<int:pk>/object/", portal_views.object_result, name="object"),
    path("inspections/quiet-complaint/", portal_views.quiet_complaint, name="quiet_complaint"),
    path(S, staff_views.home, name="staff_home"),
    path(S + "plans/new/", staff_views.plan_new, name="plan_new"),
    path(S + "plans/<int:pk>/", staff_views.plan_detail, name="plan"),
    path(S + "plans/<int:pk>/<slug:action>/", staff_views.plan_action, name="plan_action"),
    path(S + "i/<int:pk>/", staff_views.inspection_detail, name="inspection"),
    path(S + "i/<int:pk>/<slug:action>/", staff_views.inspection_action, name="inspection_action"),
    path(S + "registers/", staff_views.registers, name="registers"),
    path(S + "exceptions/", staff_views.exceptions, name="exceptions"),
    path(S + "exceptions/<int:pk>/review/", staff_views.exception_review, name="exception_review"),
    path(S + "objections/", staff_views.objections, name="objections"),
    path(S + "config/", staff_views.config, name="config"),
]
