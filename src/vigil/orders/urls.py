from django.urls import path

from vigil.orders import views

app_name = "orders"

urlpatterns = [
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/application/", views.apply, name="apply"),
    path("<int:pk>/hearing/", views.hearing, name="hearing"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/breach/", views.breach, name="breach"),
    path("<int:pk>/vary/", views.vary, name="vary"),
    path("<int:pk>/end/", views.end, name="end"),
    path("serve/", views.serve, name="serve"),
    path("court-order/", views.court_order, name="court_order"),
    path("search/", views.search, name="search"),
    path("meetings/", views.meeting, name="meetings"),
    path("meetings/checks/dip-check/", views.dip_check, name="dip_check"),
    path("meetings/<slug:which>/", views.meeting, name="meeting_list"),
]
