from django.urls import path

from vigil.controlroom import views

app_name = "controlroom"

urlpatterns = [
    path("control-room/reviews/", views.sample_queue, name="samples"),
    path("control-room/reviews/<int:pk>/take/", views.take_sample, name="take"),
    path("control-room/logs/<int:pk>/review/", views.review, name="review"),
    path("da-desk/", views.desk, name="desk"),
    path("da-desk/incidents/<int:pk>/", views.desk_incident, name="desk_incident"),
]
