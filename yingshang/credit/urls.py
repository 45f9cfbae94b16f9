from django.urls import path

from yingshang.credit import views

app_name = "credit"
URL_PREFIX = ""

urlpatterns = [
    path("credit/mine/", views.mine, name="mine"),
    path("staff/credit/subjects/<int:pk>/", views.subject_page, name="subject"),
    path("staff/credit/cases/<int:case_pk>/", views.for_case, name="for_case"),
]
