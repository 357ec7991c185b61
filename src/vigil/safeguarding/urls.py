from django.urls import path

from vigil.safeguarding import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.queues, name="queues"),
    path("<str:team>/", views.team_queue, name="queue"),
    path("<str:team>/tasks/<int:pk>/complete/", views.complete, name="complete"),
]
