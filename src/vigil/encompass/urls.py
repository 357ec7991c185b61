from django.urls import path

from vigil.encompass import views

app_name = "encompass"

urlpatterns = [
    path("", views.triage, name="triage"),
    path("notifications/<int:pk>/", views.notification_detail, name="notification"),
    path("notifications/<int:pk>/send/", views.send_notification, name="send"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening"),
]
