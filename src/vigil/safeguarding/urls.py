from django.urls import path

from vigil.safeguarding import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.queues, name="queues"),
    path("<str:team>/", views.team_queue, name="queue"),
    path("<str:team>/tasks/<int:pk>/complete/", views.complete, name="complete"),
    path("<str:team>/tasks/<int:pk>/claim/", views.claim, name="claim"),
    path("<str:team>/tasks/<int:pk>/release/", views.release, name="release"),
    path("<str:team>/tasks/<int:pk>/assign/", views.assign, name="assign"),
    path("<str:team>/tasks/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
]
