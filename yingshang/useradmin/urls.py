from django.urls import path

from yingshang.useradmin.views import accounts, board, password, units

app_name = "useradmin"
URL_PREFIX = "staff/"
urlpatterns = [
    path("password/", password.password_change, name="password_change"),
    path("stuck/", board.board, name="board"),
    path("stuck/tasks/<int:pk>/reassign/", board.reassign_task, name="reassign_task"),
    path("stuck/orders/<int:pk>/reassign/", board.reassign_order, name="reassign_order"),
    path("accounts/", accounts.user_list, name="users"),
    path("accounts/new/", accounts.user_create, name="user_create"),
    path("accounts/<int:pk>/", accounts.user_detail, name="user_detail"),
    path("accounts/<int:pk>/deactivate/", accounts.user_deactivate, name="user_deactivate"),
    path("accounts/<int:pk>/reactivate/", accounts.user_reactivate, name="user_reactivate"),
    path("accounts/<int:pk>/password/", accounts.user_reset_password, name="user_reset_password"),
    path("accounts/<int:pk>/roles/", accounts.role_grant, name="role_grant"),
    path("accounts/<int:pk>/roles/<int:grant>/revoke/", accounts.role_revoke, name="role_revoke"),
    path("org-units/", units.unit_list, name="units"),
    path("org-units/new/", units.unit_create, name="unit_create"),
    path("org-units/<int:pk>/rename/", units.unit_rename, name="unit_rename"),
    path("org-units/<int:pk>/deactivate/", units.unit_deactivate, name="unit_deactivate"),
]
