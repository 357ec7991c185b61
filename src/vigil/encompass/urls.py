from django.urls import path

from vigil.encompass import views

app_name = "encompass"

urlpatterns = [
    path("notifications/<int:pk>/", views.notification_detail, name="notification"),
]
