from django.urls import path

from yingshang.credit import portal_views, staff_records, staff_views, views

app_name = "credit"
URL_PREFIX = ""
S = "staff/credit/"

urlpatterns = [
    path("credit/mine/", views.mine, name="mine"),
    path("credit/public/", portal_views.public_page, name="public"),
    path("credit/repair/new/<str:kind>/<int:pk>/", portal_views.repair_apply, name="repair_apply"),
    path("credit/repair/<int:pk>/", portal_views.repair_mine, name="repair_mine"),
    path("credit/materials/<int:pk>/", portal_views.material, name="material"),
    path("credit/listings/<int:pk>/object/", portal_views.listing_object, name="listing_object"),
    path(S + "penalties/", staff_records.penalty_list, name="penalties"),
    path(S + "penalties/new/", staff_records.penalty_new, name="penalty_new"),
    path(S + "penalties/<int:pk>/", staff_records.penalty_detail, name="penalty"),
    path(S + "praises/", staff_records.praise_list, name="praises"),
    path(S + "praises/new/", staff_records.praise_new, name="praise_new"),
    path(S + "repairs/", staff_records.repair_queue, name="repairs"),
    path(S + "repairs/<int:pk>/", staff_records.repair_detail, name="repair"),
    path(S + "listings/notice/", staff_records.listing_notice, name="listing_notice"),
    path(S + "listings/<int:pk>/", staff_records.listing_step, name="listing_step"),
    path(S + "rules/", staff_records.rules, name="rules"),
    path(S + "subjects/<int:pk>/", views.subject_page, name="subject"),
    path(S + "subjects/<int:pk>/history/", staff_views.subject_history, name="subject_history"),
    path(S + "cases/<int:case_pk>/", views.for_case, name="for_case"),
    path(S + "listings/", staff_views.listing_list, name="listings"),
    path(S + "listings/new/", staff_views.listing_add, name="listing_add"),
    path(S + "listings/<int:pk>/remove/", staff_views.listing_remove, name="listing_remove"),
    path(S + "commitments/", staff_views.commitment_list, name="commitments"),
    path(
        S + "commitments/<int:pk>/resolve/",
        staff_views.commitment_resolve,
        name="commitment_resolve",
    ),
    path(S + "texts/", staff_views.texts, name="texts"),
]
