from django.urls import path

from yingshang.assessment import views

# Staff pages under /staff/assessment/, the portal's pages (public rankings, 曝光台) under
# /assessment/: the app mounts at the root and spells both prefixes here.
URL_PREFIX = ""
app_name = "assessment"
S = "staff/assessment/"
P = "assessment/"
urlpatterns = [
    path(S + "", views.index, name="index"),
    path(S + "dashboard/", views.dashboard, name="dashboard"),
    path(S + "staff-ranking/", views.staff_ranking, name="staff_ranking"),
    path(S + "snapshots/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path(S + "snapshots/<int:pk>/status/", views.snapshot_status, name="snapshot_status"),
    path(
        S + "snapshots/<int:pk>/act/<str:action>/",
        views.snapshot_action,
        name="snapshot_action",
    ),
    path(S + "snapshots/<int:pk>/public/", views.snapshot_public, name="snapshot_public"),
    path(S + "snapshots/<int:pk>/bulletin.docx", views.bulletin_docx, name="bulletin"),
    path(S + "snapshots/<int:pk>/workbook.xlsx", views.workbook_xlsx, name="workbook"),
    path(S + "units/<int:unit_id>/", views.unit_page, name="unit"),
    path(S + "schemes/", views.schemes, name="schemes"),
    path(S + "schemes/new/", views.scheme_new, name="scheme_new"),
    path(S + "schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path(S + "schemes/<int:pk>/act/<str:action>/", views.scheme_action, name="scheme_action"),
    path(S + "adjustments/", views.adjustments, name="adjustments"),
    path(
        S + "adjustments/<int:pk>/act/<str:action>/",
        views.adjustment_action,
        name="adjustment_action",
    ),
    path(S + "adjustments/<int:pk>/evidence/", views.adjustment_evidence, name="evidence"),
    path(S + "lists/", views.listings, name="listings"),
    path(S + "lists/<int:pk>/act/<str:action>/", views.listing_action, name="listing_action"),
    path(S + "lists/<int:pk>/minutes/", views.listing_minutes, name="minutes"),
    path(S + "visits/", views.visits, name="visits"),
    path(S + "visits/<int:pk>/", views.visit_detail, name="visit"),
    path(S + "visits/<int:pk>/act/<str:action>/", views.visit_action, name="visit_action"),
    path(S + "findings/", views.findings, name="findings"),
    path(S + "findings/<int:pk>/act/<str:action>/", views.finding_action, name="finding_action"),
    path(S + "findings/<int:pk>/evidence/", views.finding_evidence, name="finding_evidence"),
    path(S + "exposures/", views.exposures, name="exposures"),
    path(S + "exposures/<int:pk>/", views.exposure_detail, name="exposure"),
    path(
        S + "exposures/<int:pk>/act/<str:action>/",
        views.exposure_action,
        name="exposure_action",
    ),
    path(P + "rankings/", views.public_rankings, name="public_rankings"),
    path(P + "rankings/<int:pk>/", views.public_ranking, name="public_ranking"),
    path(P + "rankings/<int:pk>/bulletin.docx", views.public_bulletin, name="public_bulletin"),
    path(P + "exposures/", views.public_exposures, name="public_exposures"),
]
