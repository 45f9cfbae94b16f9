from django.urls import path

from yingshang.apiaccess import views

URL_PREFIX = "staff/integration-keys/"
app_name = "apiaccess"
urlpatterns = [
    path("", views.key_list, name="keys"),
    path("<int:pk>/scope/", views.key_scope, name="key_scope"),
    path("<int:pk>/rotate/", views.key_rotate, name="key_rotate"),
    path("<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
]
