from django.urls import path

from vigil.people import linkage_views as views

app_name = "linkage"

urlpatterns = [
    path("search/", views.search_view, name="search"),
    path("linkage/review/", views.review_queue, name="review"),
    path("linkage/review/<int:pk>/", views.review_decide, name="review-decide"),
    path("linkage/person/<int:pk>/", views.person_links, name="person"),
    path("linkage/person/<int:pk>/action/", views.person_action, name="person-action"),
    path("linkage/person/<int:pk>/split/<int:record_pk>/", views.split_confirm, name="split"),
    path("linkage/changes/<int:pk>/revert/", views.revert_change, name="revert"),
]
