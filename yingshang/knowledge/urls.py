from django.urls import path

from yingshang.knowledge import views

app_name = "knowledge"
URL_PREFIX = "staff/knowledge/"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_create, name="create"),
    path("suggest/", views.suggest, name="suggest"),
    path("dispatch-model/", views.dispatch_model, name="dispatch_model"),
    path("dispatch-model/retrain/", views.dispatch_retrain, name="dispatch_retrain"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/publish/", views.article_publish, name="publish"),
    path("<int:pk>/withdraw/", views.article_withdraw, name="withdraw"),
]
