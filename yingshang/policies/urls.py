from django.urls import path

from yingshang.policies.views import portal, staff

app_name = "policies"
URL_PREFIX = ""
S = "staff/policies/"

urlpatterns = [
    # portal (public; firm accounts for subscribe / apply / mine)
    path("policies/", portal.portal_list, name="portal_list"),
    path("policies/<int:pk>/", portal.portal_detail, name="portal_detail"),
    path("policies/digest/<str:week>/", portal.portal_digest, name="portal_digest"),
    path("policies/subscribe/", portal.subscribe, name="subscribe"),
    path("policies/items/<int:pk>/apply/", portal.apply, name="apply"),
    path("policies/mine/", portal.mine, name="mine"),
    path("policies/mine/<int:pk>/<slug:action>/", portal.mine_act, name="mine_act"),
    path("policies/files/<int:pk>/", staff.material_file, name="file"),
    # staff
    path(S, staff.policy_list, name="staff_list"),
    path(S + "new/", staff.policy_new, name="staff_new"),
    path(S + "p/<int:pk>/", staff.policy_detail, name="staff_detail"),
    path(S + "p/<int:pk>/items/new/", staff.item_new, name="item_new"),
    path(S + "p/<int:pk>/<slug:action>/", staff.policy_act, name="staff_act"),
    path(S + "items/<int:pk>/", staff.item_detail, name="item"),
    path(S + "items/<int:pk>/grant/", staff.item_grant, name="item_grant"),
    path(S + "items/<int:pk>/withdraw/", staff.item_withdraw, name="item_withdraw"),
    path(S + "reviews/", staff.review_list, name="reviews"),
    path(S + "reviews/<int:pk>/<slug:action>/", staff.review_act, name="review_act"),
    path(S + "week/", staff.week_run, name="week_run"),
    path(S + "queue/", staff.queue, name="queue"),
    path(S + "a/<int:pk>/", staff.application_detail, name="application"),
    path(S + "a/<int:pk>/<slug:action>/", staff.application_act, name="application_act"),
    path(S + "delivery/", staff.delivery, name="delivery"),
]
