from django.urls import path

from vigil.orders import views

app_name = "orders"

urlpatterns = [
    path("<int:pk>/", views.order_detail, name="detail"),
]
