from django.urls import path

from yingshang.credit import staff_views, views

app_name = "credit"
URL_PREFIX = ""
S = "staff/credit/"

urlpatterns = [
    path("credit/mine/", views.mine, name="mine"),
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
