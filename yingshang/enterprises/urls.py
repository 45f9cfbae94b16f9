from django.urls import path

from yingshang.enterprises import portal_views, views

app_name = "enterprises"
URL_PREFIX = ""
S = "staff/firms/"

urlpatterns = [
    path(S, views.firm_list, name="list"),
    path(S + "new/", views.firm_create, name="create"),
    path(S + "import/", views.import_upload, name="import"),
    path(S + "import/<int:pk>/", views.import_preview, name="import_preview"),
    path(S + "<int:pk>/", views.firm_page, name="firm"),
    path(S + "<int:pk>/edit/", views.firm_edit, name="edit"),
    path(S + "<int:pk>/status/", views.firm_status, name="status"),
    path(S + "<int:pk>/legal-rep/", views.legal_rep_transfer, name="legal_rep"),
    path("firm/", portal_views.my_firm, name="my_firm"),
    path("firm/accounts/", portal_views.my_accounts, name="my_accounts"),
    path("firm/accounts/<int:pk>/revoke/", portal_views.revoke_agent, name="revoke_agent"),
]
