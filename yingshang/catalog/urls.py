from django.urls import path

from yingshang.catalog import package_views, views

app_name = "catalog"
# Public guides live under /catalog/, the workbench under /staff/catalog/: both are spelled out.
URL_PREFIX = ""
urlpatterns = [
    path("catalog/", views.guide_list, name="guide_list"),
    path("catalog/matters/<int:pk>/", views.guide_detail, name="guide_detail"),
    path("catalog/packages/<slug:code>/", views.package_detail, name="package_detail"),
    path("catalog/packages/<slug:code>/form/", views.package_form, name="package_form"),
    path("catalog/materials/<int:pk>/<str:kind>/", views.material_file, name="material_file"),
    path("staff/catalog/", views.staff_matters, name="staff_matters"),
    path("staff/catalog/matters/new/", views.staff_matter_new, name="staff_matter_new"),
    path("staff/catalog/matters/<int:pk>/", views.staff_matter_detail, name="staff_matter"),
    path(
        "staff/catalog/matters/<int:pk>/revise/",
        views.staff_matter_revise,
        name="staff_matter_revise",
    ),
    path(
        "staff/catalog/matters/<int:pk>/localise/",
        views.staff_matter_localise,
        name="staff_matter_localise",
    ),
    path(
        "staff/catalog/matters/<int:pk>/<str:action>/",
        views.staff_matter_status,
        name="staff_matter_status",
    ),
    path("staff/catalog/import/", views.staff_import, name="staff_import"),
    path("staff/catalog/export.xlsx", views.staff_export, name="staff_export"),
    path("staff/catalog/template.xlsx", views.staff_template, name="staff_template"),
    path("staff/catalog/packages/", package_views.staff_packages, name="staff_packages"),
    path("staff/catalog/packages/new/", package_views.staff_package_edit, name="staff_package_new"),
    path(
        "staff/catalog/packages/<slug:code>/define/",
        package_views.staff_package_define,
        name="staff_package_define",
    ),
    path(
        "staff/catalog/packages/<slug:code>/edit/",
        package_views.staff_package_edit,
        name="staff_package_edit",
    ),
]
