from django.urls import path

from yingshang.workbench import views

URL_PREFIX = "staff/"
app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.overview, name="overview"),
    path("inbox/", views.inbox, name="inbox"),
    path("units/", views.units, name="units"),
    path("audit/", views.audit_search, name="audit_search"),
    path("audit/suspicious-returns/", views.suspicious_returns, name="suspicious_returns"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
